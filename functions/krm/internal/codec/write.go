package codec

import (
	"bytes"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Append writes n as "- " followed by its block, indented under the list.
func Append(buf *bytes.Buffer, n *yaml.Node) error {
	if Fast {
		if entry, ok := appendEntry(buf.AvailableBuffer(), n); ok {
			buf.Write(entry)
			return nil
		}
	}
	body, err := encode(n)
	if err != nil {
		return err
	}
	// The item's head comment stays above its dash: written after it, it would read
	// back as the comment of the item's first key.
	comment, rest := headCommentLines(body, n.HeadComment)
	buf.Write(comment)
	buf.WriteString("- ")
	indentLines(buf, rest)
	return nil
}

// headCommentLines splits the lines the encoder wrote for comment off the start of body.
func headCommentLines(body []byte, comment string) (lines, rest []byte) {
	if comment == "" {
		return nil, body
	}
	end := 0
	for range strings.Count(comment, "\n") + 1 {
		end += bytes.IndexByte(body[end:], '\n') + 1
	}
	return body[:end], body[end:]
}

func WriteField(buf *bytes.Buffer, key string, n *yaml.Node) error {
	if n.Kind == yaml.SequenceNode && len(n.Content) > 0 && plainCollection(n) && n.Style&yaml.FlowStyle == 0 {
		// Compact sequence style, as kyaml writes it: the dashes align with the key.
		buf.WriteString(key + ":\n")
		for _, entry := range n.Content {
			if err := Append(buf, entry); err != nil {
				return err
			}
		}
		return nil
	}
	body, err := encode(n)
	if err != nil {
		return err
	}
	if n.Kind == yaml.MappingNode && len(n.Content) > 0 && n.Style&yaml.FlowStyle == 0 {
		buf.WriteString(key + ":\n  ")
		indentLines(buf, body)
		return nil
	}
	buf.WriteString(key + ": ")
	buf.Write(body)
	return nil
}

// indentLines writes body, indenting every line but the first by two spaces.
func indentLines(buf *bytes.Buffer, body []byte) {
	for i := 0; len(body) > 0; i++ {
		end := bytes.IndexByte(body, '\n') + 1
		if end == 0 {
			end = len(body)
		}
		line := body[:end]
		if i > 0 && len(line) > 1 {
			buf.WriteString("  ")
		}
		buf.Write(line)
		body = body[end:]
	}
}

func encode(n *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(yaml.DefaultIndent)
	enc.CompactSeqIndent()
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ToBlockStyle drops JSON's flow and quoting styles. The encoder quotes the strings that
// YAML 1.2 would misread; strings such as "y" or "on", which YAML 1.1 readers (the API
// server's among them) take for booleans, stay quoted.
func ToBlockStyle(n *yaml.Node) {
	n.Style = 0
	if n.Kind == yaml.ScalarNode && n.Tag == yaml.NodeTagString && yaml.IsYaml1_1NonString(n) {
		n.Style = yaml.DoubleQuotedStyle
	}
	for _, c := range n.Content {
		ToBlockStyle(c)
	}
}
