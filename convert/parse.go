package convert

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// dockerfile is a Dockerfile as BuildKit reads it: its stages with typed instructions,
// the ARGs before the first FROM, and the escape token of its parser directive.
type dockerfile struct {
	stages   []instructions.Stage
	metaArgs []instructions.ArgCommand
	lex      *shell.Lex
	lines    []string
}

// parseDockerfile reads data with BuildKit's parser and instruction types, so line
// continuations, heredocs, JSON and shell forms and parser directives are read exactly
// as `docker build` reads them. Input that is no Dockerfile is an error.
func parseDockerfile(name string, data []byte) (*dockerfile, error) {
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return nil, fmt.Errorf("%s is empty: a Dockerfile needs at least a FROM instruction", name)
	case bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data):
		return nil, fmt.Errorf("%s is a binary file, not a Dockerfile", name)
	}
	result, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(result.AST.Children) == 0 {
		return nil, fmt.Errorf("%s has only comments and blank lines: a Dockerfile needs at least a FROM instruction", name)
	}
	stages, metaArgs, err := instructions.Parse(result.AST, nil)
	if err != nil {
		var unknown *instructions.UnknownInstructionError
		if errors.As(err, &unknown) {
			return nil, fmt.Errorf("%s:%d: unknown instruction %q: a typo, or not a Dockerfile", name, unknown.Line, unknown.Instruction)
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(stages) == 0 {
		return nil, fmt.Errorf("%s has no FROM instruction", name)
	}
	return &dockerfile{stages: stages, metaArgs: metaArgs, lex: shell.NewLex(result.EscapeToken),
		lines: strings.Split(string(data), "\n")}, nil
}

// vars are the build's variables at one point of a stage: ARG values (their defaults:
// there are no --build-arg values to take) and ENV values, as the shell lexer reads them.
type vars struct {
	keys   []string
	values map[string]string
}

func (v *vars) Get(key string) (string, bool) {
	value, ok := v.values[key]
	return value, ok
}

func (v *vars) Keys() []string { return v.keys }

func (v *vars) set(key, value string) {
	if v.values == nil {
		v.values = map[string]string{}
	}
	if _, ok := v.values[key]; !ok {
		v.keys = append(v.keys, key)
	}
	v.values[key] = value
}

func (v *vars) clone() *vars {
	c := &vars{}
	for _, k := range v.keys {
		c.set(k, v.values[k])
	}
	return c
}

// expand substitutes the variables in word as BuildKit does for the instruction's
// arguments; it returns the names it found no value for.
func (d *dockerfile) expand(word string, env *vars) (string, []string) {
	result, err := d.lex.ProcessWordWithMatches(word, env)
	if err != nil {
		return word, nil
	}
	var unmatched []string
	for name := range result.Unmatched {
		unmatched = append(unmatched, name)
	}
	slices.Sort(unmatched)
	return result.Result, unmatched
}

// words splits a shell command line into words, with quotes removed and variables
// substituted, the way the shell of a RUN would see them.
func (d *dockerfile) words(line string, env *vars) []string {
	words, err := d.lex.ProcessWords(line, env)
	if err != nil {
		return strings.Fields(line)
	}
	return words
}

// raw is the instruction's lines as written, for Dockerfile.unbake: heredocs and
// continuation lines stay as they were.
func (d *dockerfile) raw(cmd instructions.Command) string {
	loc := cmd.Location()
	if len(loc) == 0 {
		return cmd.Name()
	}
	start, end := loc[0].Start.Line, min(loc[len(loc)-1].End.Line, len(d.lines))
	return strings.TrimRight(strings.Join(d.lines[start-1:end], "\n"), " \t")
}

// source is the instruction's text as written, continuation lines joined.
func (d *dockerfile) source(cmd instructions.Command) (int, string) {
	loc := cmd.Location()
	if len(loc) == 0 {
		return 0, cmd.Name()
	}
	start, end := loc[0].Start.Line, loc[len(loc)-1].End.Line
	var parts []string
	for l := start; l <= end && l <= len(d.lines); l++ {
		line := strings.TrimSpace(d.lines[l-1])
		line = strings.TrimSpace(strings.TrimSuffix(line, "\\"))
		if line != "" && !strings.HasPrefix(line, "#") {
			parts = append(parts, line)
		}
	}
	return start, strings.Join(parts, " ")
}
