//go:build amd64 && !purego

#include "textflag.h"

// func fullRoundsAsm(sig *uint64, shingles *uint64, n int, keys *uint64, k int, shift uint) int
//
// The slots are in R8, the shift in CX, fold's constant in R13, the round's key in R9 and the round << 32 in R10;
// a round walks the shingles from SI to DI; R11 counts the slots filled.
TEXT ·fullRoundsAsm(SB), NOSPLIT, $8-56
	MOVQ $0, r-8(SP)                // the round
	MOVQ sig+0(FP), R8
	MOVQ shift+40(FP), CX
	MOVQ $-7046029254386353131, R13 // 0x9e3779b97f4a7c15, fold's constant
	XORQ R11, R11

round:
	MOVQ r-8(SP), AX
	CMPQ AX, k+32(FP)
	JGE  done                       // k rounds
	CMPQ R11, k+32(FP)
	JGE  done                       // every slot is filled
	MOVQ keys+24(FP), BX
	MOVQ (BX)(AX*8), R9
	MOVQ AX, R10
	SHLQ $32, R10
	MOVQ shingles+8(FP), SI
	MOVQ n+16(FP), DI
	LEAQ (SI)(DI*8), DI

loop:
	MOVQ    (SI), AX
	XORQ    R9, AX
	MULQ    R13
	XORQ    DX, AX                  // h = fold(x ^ key)
	MOVQ    AX, DX
	SHRQ    CX, DX                  // b = h >> shift
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
	JB      loop
	INCQ    r-8(SP)
	JMP     round

done:
	MOVQ R11, ret+48(FP)
	RET
