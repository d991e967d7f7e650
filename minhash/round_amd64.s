//go:build amd64 && !purego

#include "textflag.h"

// Both functions keep the slots in R8, the shift in CX, fold's constant in R13, the round's key in R9 and the
// round << 32 in R10, and walk the shingles from SI to DI.

// ROUND_START loads round AX's key and value and points SI and DI at the shingles.
#define ROUND_START \
	MOVQ keys+24(FP), BX \
	MOVQ (BX)(AX*8), R9  \
	MOVQ AX, R10         \
	SHLQ $32, R10        \
	MOVQ shingles+8(FP), SI \
	MOVQ n+16(FP), DI    \
	LEAQ (SI)(DI*8), DI

// SLOT hashes the shingle at SI: h = fold(x ^ key) in AX, its slot b = h >> shift in DX.
#define SLOT \
	MOVQ (SI), AX \
	XORQ R9, AX   \
	MULQ R13      \
	XORQ DX, AX   \
	MOVQ AX, DX   \
	SHRQ CX, DX

// func fullRoundsAsm(sig *uint64, shingles *uint64, n int, keys *uint64, k int, shift uint, want int) (int, int)
TEXT ·fullRoundsAsm(SB), NOSPLIT, $8-72
	MOVQ $0, r-8(SP)                // the round
	MOVQ sig+0(FP), R8
	MOVQ shift+40(FP), CX
	MOVQ $-7046029254386353131, R13 // 0x9e3779b97f4a7c15, fold's constant
	XORQ R11, R11                   // slots filled

fround:
	MOVQ r-8(SP), AX
	CMPQ AX, k+32(FP)
	JGE  fdone
	CMPQ R11, want+48(FP)
	JGE  fdone
	ROUND_START

floop:
	SLOT
	MOVL    AX, AX
	ORQ     R10, AX                 // round | uint32(h)
	MOVQ    (R8)(DX*8), BX          // s = sig[b]
	BTQ     $63, BX
	ADCQ    $0, R11                 // filled += s >> 63
	CMPQ    BX, AX
	CMOVQHI AX, BX
	MOVQ    BX, (R8)(DX*8)          // sig[b] = min(s, round | uint32(h))
	ADDQ    $8, SI
	CMPQ    SI, DI
	JB      floop
	INCQ    r-8(SP)
	JMP     fround

fdone:
	MOVQ r-8(SP), AX
	MOVQ AX, ret+56(FP)
	MOVQ R11, ret1+64(FP)
	RET

// func openRoundsAsm(sig *uint64, shingles *uint64, n int, keys *uint64, i, k int, shift uint, open, done *[16]uint64) int
TEXT ·openRoundsAsm(SB), NOSPLIT, $8-80
	MOVQ i+32(FP), AX
	MOVQ AX, r-8(SP)                // the round
	MOVQ sig+0(FP), R8
	MOVQ shift+48(FP), CX
	MOVQ open+56(FP), R11
	MOVQ done+64(FP), R12
	MOVQ $-7046029254386353131, R13

round:
	MOVQ r-8(SP), AX
	CMPQ AX, k+40(FP)
	JGE  finished
	ROUND_START

oloop:
	SLOT
	MOVQ    DX, BX
	SHRQ    $6, BX
	MOVQ    (R11)(BX*8), BX         // open[b/64]
	BTQ     DX, BX
	JCC     onext                   // slot b was filled by an earlier round
	MOVL    AX, AX
	ORQ     R10, AX
	MOVQ    (R8)(DX*8), BX
	CMPQ    BX, AX
	CMOVQHI AX, BX
	MOVQ    BX, (R8)(DX*8)          // sig[b] = min(sig[b], round | uint32(h))
	MOVQ    DX, BX
	SHRQ    $6, BX
	MOVQ    (R12)(BX*8), AX
	BTSQ    DX, AX
	MOVQ    AX, (R12)(BX*8)         // done[b/64] |= 1 << (b%64)

onext:
	ADDQ $8, SI
	CMPQ SI, DI
	JB   oloop

	// The round is over: open &^= done, done = 0; stop when no slot is left open.
	INCQ r-8(SP)
	MOVQ k+40(FP), DI
	ADDQ $63, DI
	SHRQ $6, DI
	XORQ SI, SI
	XORQ DX, DX

words:
	MOVQ (R12)(SI*8), AX
	MOVQ $0, (R12)(SI*8)
	NOTQ AX
	MOVQ (R11)(SI*8), BX
	ANDQ AX, BX
	MOVQ BX, (R11)(SI*8)
	ORQ  BX, DX
	INCQ SI
	CMPQ SI, DI
	JB   words
	TESTQ DX, DX
	JNZ  round

finished:
	MOVQ r-8(SP), AX
	MOVQ AX, ret+72(FP)
	RET
