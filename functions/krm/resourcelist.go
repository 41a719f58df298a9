// Package krm reads and writes KRM function ResourceLists and runs functions on them.
package krm

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const (
	resourceListKind = "ResourceList"
	// APIVersion is the ResourceList version unbake writes.
	APIVersion = "config.kubernetes.io/v1"
)

// acceptedAPIVersions are the ResourceList versions kustomize and kpt send.
var acceptedAPIVersions = map[string]bool{APIVersion: true, "config.kubernetes.io/v1alpha1": true}

// ResourceList is the function's input and output: the items, the functionConfig, and the
// results a function reports.
type ResourceList struct {
	FunctionConfig *yaml.RNode
	Results        framework.Results

	// entries are the items, in order (see Items and Each).
	entries []entry
	// data is the input the items were cut from, read again as a whole to explain a
	// problem in one of them.
	data []byte
}

// Read parses a ResourceList in YAML or JSON.
func Read(in io.Reader) (*ResourceList, error) {
	data, err := io.ReadAll(in)
	if err != nil {
		return nil, fmt.Errorf("reading the ResourceList: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.Contains(data, []byte("\r\n")) {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	if rl, ok := readSplit(data); ok {
		return rl, nil
	}
	return readWhole(data)
}

// readSplit reads a list that splitList can cut, leaving its items as text to parse when
// they are needed. It declines anything else, errors included: readWhole then tells what
// is wrong.
func readSplit(data []byte) (*ResourceList, bool) {
	lt, ok := splitList(data)
	if !ok {
		return nil, false
	}
	root, err := parseRoot(lt.header)
	if err != nil || isFlow(root.YNode()) || usesAnchors(root.YNode()) {
		return nil, false
	}
	if items := root.Field("items"); items == nil || !yaml.IsMissingOrNull(items.Value) {
		return nil, false
	}
	rl, err := withConfig(root)
	if err != nil {
		return nil, false
	}
	rl.data = data
	rl.entries = make([]entry, len(lt.items))
	for i, t := range lt.items {
		rl.entries[i].source = t
	}
	return rl, true
}

// readWhole parses the list as one document.
func readWhole(data []byte) (*ResourceList, error) {
	root, err := parseRoot(data)
	if err != nil {
		return nil, err
	}
	flow := isFlow(root.YNode())
	if flow {
		toBlockStyle(root.YNode())
	}
	// Aliases are expanded, so every item stands alone; such input is then re-encoded,
	// as its text refers to anchors that may live in other items.
	anchored := usesAnchors(root.YNode())
	if anchored {
		if err := root.DeAnchor(); err != nil {
			return nil, fmt.Errorf("expanding the input's YAML aliases: %w", err)
		}
	}
	rl, err := withConfig(root)
	if err != nil {
		return nil, err
	}
	items := root.Field("items")
	if items == nil || yaml.IsMissingOrNull(items.Value) {
		return rl, nil
	}
	if items.Value.YNode().Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("items: expected a list of resources")
	}
	for i, n := range items.Value.Content() {
		item, err := asItem(i, n)
		if err != nil {
			return nil, err
		}
		rl.entries = append(rl.entries, entry{tree: item, keep: true, checked: true})
	}
	if !flow && !anchored {
		rl.keepRaw(data, root.YNode(), items.Value.YNode())
	}
	return rl, nil
}

// parseRoot parses the first document of data and checks that it is a ResourceList.
func parseRoot(data []byte) (*yaml.RNode, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, fmt.Errorf("the input is empty: expected a ResourceList (kind: %s, apiVersion: %s)", resourceListKind, APIVersion)
		}
		return nil, fmt.Errorf("the input is not valid YAML or JSON: %w", err)
	}
	root := yaml.NewRNode(&doc)
	if root.YNode().Kind != yaml.MappingNode {
		return nil, fmt.Errorf("the input is not a ResourceList: expected a mapping with kind: %s", resourceListKind)
	}
	if kind := root.GetKind(); kind != resourceListKind {
		return nil, fmt.Errorf("the input has kind %q: expected kind: %s (run unbake functions through kustomize or kpt, or pipe a ResourceList)", kind, resourceListKind)
	}
	if v := root.GetApiVersion(); !acceptedAPIVersions[v] {
		return nil, fmt.Errorf("the ResourceList has apiVersion %q: expected %s", v, APIVersion)
	}
	return root, nil
}

// withConfig starts a ResourceList with root's functionConfig.
func withConfig(root *yaml.RNode) (*ResourceList, error) {
	rl := &ResourceList{}
	if fc := root.Field("functionConfig"); fc != nil && !yaml.IsMissingOrNull(fc.Value) {
		if fc.Value.YNode().Kind != yaml.MappingNode {
			return nil, fmt.Errorf("functionConfig: expected a config (a mapping with apiVersion, kind and metadata)")
		}
		if err := CheckShape(fc.Value); err != nil {
			return nil, fmt.Errorf("functionConfig: %w", err)
		}
		rl.FunctionConfig = fc.Value
	}
	return rl, nil
}

// asItem checks that n, the i-th entry of items, is a resource.
func asItem(i int, n *yaml.Node) (*yaml.RNode, error) {
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("items[%d]: expected a resource (a mapping with apiVersion, kind and metadata)", i)
	}
	item := yaml.NewRNode(n)
	if err := checkItem(i, item); err != nil {
		return nil, err
	}
	return item, nil
}

// isFlow tells JSON (and flow-style YAML) input apart, so its output can be block YAML.
func isFlow(n *yaml.Node) bool { return n.Style&yaml.FlowStyle != 0 }

// toBlockStyle drops JSON's flow and quoting styles. The encoder quotes the strings that
// YAML 1.2 would misread; strings such as "y" or "on", which YAML 1.1 readers (the API
// server's among them) take for booleans, stay quoted.
func toBlockStyle(n *yaml.Node) {
	n.Style = 0
	if n.Kind == yaml.ScalarNode && n.Tag == yaml.NodeTagString && yaml.IsYaml1_1NonString(n) {
		n.Style = yaml.DoubleQuotedStyle
	}
	for _, c := range n.Content {
		toBlockStyle(c)
	}
}

// Write writes the list item by item: encoding one small document at a time keeps memory
// proportional to the largest item rather than to the whole list. Items held as trees
// are made ready a window at a time on all CPUs, and written in order.
func Write(out io.Writer, rl *ResourceList) error {
	var buf bytes.Buffer
	buf.WriteString("apiVersion: " + APIVersion + "\nkind: " + resourceListKind + "\n")
	if len(rl.entries) == 0 {
		buf.WriteString("items: []\n")
	} else {
		buf.WriteString("items:\n")
	}
	texts, errs := make([][]byte, writeWindow), make([]error, writeWindow)
	for from := 0; from < len(rl.entries); from += writeWindow {
		window := rl.entries[from:min(from+writeWindow, len(rl.entries))]
		eachIndex(len(window), func(i int) { texts[i], _, errs[i] = window[i].text() })
		for i := range window {
			if errs[i] != nil {
				return fmt.Errorf("writing %s: %w", Describe(window[i].tree), errs[i])
			}
			buf.Write(texts[i])
			if buf.Len() > 1<<16 {
				if _, err := out.Write(buf.Bytes()); err != nil {
					return err
				}
				buf.Reset()
			}
		}
	}
	if rl.FunctionConfig != nil {
		if err := writeField(&buf, "functionConfig", rl.FunctionConfig.YNode()); err != nil {
			return fmt.Errorf("writing the functionConfig: %w", err)
		}
	}
	if len(rl.Results) > 0 {
		if err := writeResults(&buf, rl.Results); err != nil {
			return fmt.Errorf("writing the results: %w", err)
		}
	}
	_, err := out.Write(buf.Bytes())
	return err
}

// writeWindow is how many items are made ready for writing at once, in parallel.
const writeWindow = 512

// text is the item as a sequence entry: its source while its tree is unchanged, else
// the tree written (written tells which).
func (e *entry) text() (text []byte, written bool, err error) {
	if text, ok := e.unchangedText(); ok {
		return text, false, nil
	}
	var b bytes.Buffer
	err = writeSequenceEntry(&b, e.tree.YNode())
	return b.Bytes(), true, err
}

// writeSequenceEntry writes n as "- " followed by its block, indented under the list.
func writeSequenceEntry(buf *bytes.Buffer, n *yaml.Node) error {
	if entry, ok := appendEntry(buf.AvailableBuffer(), n); ok {
		buf.Write(entry)
		return nil
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

func writeField(buf *bytes.Buffer, key string, n *yaml.Node) error {
	if n.Kind == yaml.SequenceNode && len(n.Content) > 0 && plainCollection(n) && n.Style&yaml.FlowStyle == 0 {
		// Compact sequence style, as kyaml writes it: the dashes align with the key.
		buf.WriteString(key + ":\n")
		for _, entry := range n.Content {
			if err := writeSequenceEntry(buf, entry); err != nil {
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
