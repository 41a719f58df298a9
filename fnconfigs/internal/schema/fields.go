package schema

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The field reference of a kind, written into its README between two markers: one list
// item per field of the kinds' own types, made from the same schema as the JSON files.
// The Go doc comments are thus the one source of every field's docs, for editors (the
// schemas), the README, and --help (which prints the README).

// EndMarker closes a generated field reference.
const EndMarker = "<!-- END GENERATED -->"

// BeginMarker opens the generated field reference of kind.
func BeginMarker(kind string) string {
	return "<!-- BEGIN GENERATED: fields of " + kind + " (go generate ./fnconfigs) -->"
}

var beginMarker = regexp.MustCompile(`^<!-- BEGIN GENERATED: fields of (\w+) \(go generate \./fnconfigs\) -->$`)

// Fields is the field reference of a kind's schema as a Markdown list, in the order of
// the Go fields. Fields of other packages' types (core/v1 Container's fields) are left to
// Kubernetes' own reference: their schemas carry no description.
func Fields(s *Schema) (string, error) {
	var b strings.Builder
	err := writeFields(&b, s, "")
	return b.String(), err
}

func writeFields(b *strings.Builder, s *Schema, prefix string) error {
	for _, name := range s.order {
		p := s.Properties[name]
		if p.Description == "" {
			continue
		}
		path := prefix + name
		if err := plainMarkdown(p.Description); err != nil {
			return fmt.Errorf("the doc comment of %s: %w", path, err)
		}
		desc := strings.ReplaceAll(p.Description, "\n\n", "\n\n  ")
		fmt.Fprintf(b, "- `%s` (%s): %s\n", path, typeOf(p, slices.Contains(s.Required, name)), desc)
		var err error
		switch {
		case p.Items != nil:
			err = writeFields(b, p.Items, path+"[].")
		case valueSchema(p) != nil:
			err = writeFields(b, valueSchema(p), path+".<key>.")
		default:
			err = writeFields(b, p, path+".")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// markup is what Markdown would not show as written: an HTML tag (<name> vanishes) or an
// emphasis mark (spec.containers[*].ports[*] turns italic).
var markup = regexp.MustCompile(`<[A-Za-z]|\*`)

// plainMarkdown requires a description to read the same in the README as in the schema:
// placeholders and globs go in backticks, which both show as written.
func plainMarkdown(desc string) error {
	for i, part := range strings.Split(desc, "`") {
		if i%2 == 0 {
			if m := markup.FindString(part); m != "" {
				return fmt.Errorf("%q outside backticks is Markdown markup: put the word it starts in `backticks`", m)
			}
		}
	}
	return nil
}

// typeOf is the field's type as a reader writes it, with its allowed values.
func typeOf(s *Schema, required bool) string {
	t := typeName(s)
	enum := s.Enum
	if s.Items != nil {
		enum = s.Items.Enum
	}
	if len(enum) > 0 {
		quoted := make([]string, len(enum))
		for i, v := range enum {
			if v == "" {
				v = `""`
			}
			quoted[i] = "`" + v + "`"
		}
		each := ""
		if s.Items != nil {
			each = "each "
		}
		t += ", " + each + "one of " + strings.Join(quoted, ", ")
	}
	if required {
		t += ", required"
	}
	return t
}

func typeName(s *Schema) string {
	switch {
	case s.goType != "":
		return s.goType
	case s.Type == "array":
		return "[]" + typeName(s.Items)
	case valueSchema(s) != nil:
		return "map[string]" + typeName(valueSchema(s))
	case s.Type == "":
		return "any"
	}
	return s.Type
}

// valueSchema is the schema of a map's values, or nil.
func valueSchema(s *Schema) *Schema {
	v, _ := s.AdditionalProperties.(*Schema)
	return v
}

// FillReadme replaces each generated field reference in a README with refs[kind] of the
// kind its begin marker names, and returns the new text and those kinds in order.
func FillReadme(text string, refs map[string]string) (string, []string, error) {
	lines := strings.SplitAfter(text, "\n")
	var out strings.Builder
	var kinds []string
	for i := 0; i < len(lines); i++ {
		out.WriteString(lines[i])
		m := beginMarker.FindStringSubmatch(strings.TrimRight(lines[i], "\n"))
		if m == nil {
			continue
		}
		kind := m[1]
		ref, ok := refs[kind]
		if !ok {
			return "", nil, fmt.Errorf("line %d: no config kind %s", i+1, kind)
		}
		end := i + 1
		for end < len(lines) && strings.TrimRight(lines[end], "\n") != EndMarker {
			end++
		}
		if end == len(lines) {
			return "", nil, fmt.Errorf("line %d: no %s after the field reference of %s", i+1, strconv.Quote(EndMarker), kind)
		}
		out.WriteString("\n" + ref + "\n")
		out.WriteString(lines[end])
		kinds = append(kinds, kind)
		i = end
	}
	return out.String(), kinds, nil
}
