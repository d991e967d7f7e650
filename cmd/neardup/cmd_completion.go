package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

func init() {
	commands = append(commands, &command{
		name:  "completion",
		usage: "bash|zsh|fish",
		short: "print a shell completion script for neardup's commands and flags",
		long: `Prints a completion script for the shell named: commands, each command's flags, and file names
elsewhere. Load it from the shell's start-up file:

  source <(neardup completion bash)                 # ~/.bashrc
  neardup completion zsh > "${fpath[1]}/_neardup"    # zsh, then compinit
  neardup completion fish > ~/.config/fish/completions/neardup.fish`,
		flags: func(fs *pflag.FlagSet, e *env) any { return nil },
		exits: []int{exitOK, exitError},
		run: func(ctx context.Context, e *env, _ any, args []string) int {
			if len(args) != 1 {
				return usageError(e, "completion", "name one shell: bash, zsh or fish")
			}
			switch args[0] {
			case "bash":
				completionBash(e.stdout)
			case "zsh":
				fmt.Fprintln(e.stdout, "#compdef neardup")
				fmt.Fprintln(e.stdout, "autoload -U bashcompinit && bashcompinit")
				completionBash(e.stdout)
			case "fish":
				completionFish(e.stdout)
			default:
				return usageError(e, "completion", "unknown shell %q (want bash, zsh or fish)", args[0])
			}
			return exitOK
		},
	})
}

// commandFlags returns every command's name and its flags' names, sorted by command.
func commandFlags() (names []string, flags map[string][]string) {
	flags = map[string][]string{}
	for _, c := range commands {
		fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
		c.flags(fs, &env{getenv: func(string) string { return "" }})
		var fl []string
		fs.VisitAll(func(f *pflag.Flag) { fl = append(fl, "--"+f.Name) })
		names = append(names, c.name)
		flags[c.name] = append(fl, "--help")
	}
	slices.Sort(names)
	return names, flags
}

func completionBash(w io.Writer) {
	names, flags := commandFlags()
	fmt.Fprintln(w, "# bash completion for neardup (neardup completion bash)")
	fmt.Fprintln(w, "_neardup() {")
	fmt.Fprintln(w, `	local cur=${COMP_WORDS[COMP_CWORD]}`)
	fmt.Fprintln(w, `	if [ "$COMP_CWORD" -eq 1 ]; then`)
	fmt.Fprintf(w, "\t\tCOMPREPLY=($(compgen -W %q -- \"$cur\"))\n", strings.Join(append(names, "help", "--version"), " "))
	fmt.Fprintln(w, "\t\treturn")
	fmt.Fprintln(w, "\tfi")
	fmt.Fprintln(w, `	case "${COMP_WORDS[1]}" in`)
	for _, n := range names {
		fmt.Fprintf(w, "\t%s) local flags=%q ;;\n", n, strings.Join(flags[n], " "))
	}
	fmt.Fprintln(w, "\t*) local flags= ;;")
	fmt.Fprintln(w, "\tesac")
	fmt.Fprintln(w, `	if [[ "$cur" == -* ]]; then`)
	fmt.Fprintln(w, `		COMPREPLY=($(compgen -W "$flags" -- "$cur"))`)
	fmt.Fprintln(w, "\telse")
	fmt.Fprintln(w, `		COMPREPLY=($(compgen -f -- "$cur"))`)
	fmt.Fprintln(w, "\tfi")
	fmt.Fprintln(w, "}")
	fmt.Fprintln(w, "complete -o filenames -F _neardup neardup")
}

func completionFish(w io.Writer) {
	names, flags := commandFlags()
	fmt.Fprintln(w, "# fish completion for neardup (neardup completion fish)")
	fmt.Fprintf(w, "complete -c neardup -n '__fish_use_subcommand' -f -a %q\n", strings.Join(names, " "))
	for _, n := range names {
		for _, f := range flags[n] {
			fmt.Fprintf(w, "complete -c neardup -n '__fish_seen_subcommand_from %s' -l %s\n", n, strings.TrimPrefix(f, "--"))
		}
	}
}
