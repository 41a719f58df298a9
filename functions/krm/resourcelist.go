package krm

import (
	"bytes"
	"fmt"
	"io"

	"github.com/unbake/unbake/functions/krm/internal/codec"
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
	// released are the trees Each turned back into text (checked build only).
	released []released
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
	lt, ok := codec.Split(data)
	if !ok {
		return nil, false
	}
	root, err := parseRoot(lt.Header)
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
	rl.entries = make([]entry, len(lt.Items))
	for i, t := range lt.Items {
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
		codec.ToBlockStyle(root.YNode())
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
		for i, text := range codec.RawEntries(data, root.YNode(), items.Value.YNode()) {
			if text != nil {
				rl.entries[i].source.Entry, rl.entries[i].print = text, codec.Fingerprint(items.Value.Content()[i])
			}
		}
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

// Write writes the list item by item: encoding one small document at a time keeps memory
// proportional to the largest item rather than to the whole list. Items held as trees
// are made ready a window at a time on all CPUs, and written in order.
func Write(out io.Writer, rl *ResourceList) error {
	if err := rl.checkReleased(); err != nil {
		return err
	}
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
		if err := codec.WriteField(&buf, "functionConfig", rl.FunctionConfig.YNode()); err != nil {
			return fmt.Errorf("writing the functionConfig: %w", err)
		}
	}
	if len(rl.Results) > 0 {
		if err := codec.WriteResults(&buf, rl.Results); err != nil {
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
	err = codec.Append(&b, e.tree.YNode())
	return b.Bytes(), true, err
}
