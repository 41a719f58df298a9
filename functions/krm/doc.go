// Package krm is what an unbake function is written with: a Function (New, Main, Run)
// reads a ResourceList, changes its items in place, and reports results.
//
// # Items
//
// Read items with Each (every item, one at a time; do not keep the tree past the visit),
// ItemsWith (the items a cheap text search can find, kept as trees), or Items (all of
// them, kept). Make new ones with FromObject from k8s.io/api types, and put a config's
// generated items in place with ReplaceGenerated. How the list is cut, parsed and written
// is package codec's business (internal); UNBAKE_CODEC=yaml.v3 routes it all through
// yaml.v3, and the checked build (-tags unbakecheck) fails loudly where the rules of Each
// and ItemsWith are broken.
//
// # Addressing fields
//
// One style, on kyaml's RNode and yaml.Node trees:
//   - read with Get (an RNode, nil where missing or null), Lookup and ScalarAt (a
//     yaml.Node and its value, without kyaml's allocating filters);
//   - create with Ensure (an RNode) or LookupCreate, which also fill a field written
//     without a value;
//   - for lists of named entries, workload.Entries, workload.IndexNamed and
//     workload.RemoveEntries;
//   - set a field with kyaml's SetField and clear it with Clear; copy nodes with
//     CopyNode.
//
// Do not use Pipe(yaml.Lookup(...)) or ElementSetter: they treat a null field and a list
// left empty differently from the above.
//
// # Results
//
// Per item, embed a Report and use its Infof, Warnf, Errorf and ConfigErrorf; elsewhere
// InfoResult, WarningResult, ErrorResult and FieldErrors. Every message says what to
// change. Propose attaches the value that would fix a problem.
//
// # Ownership
//
// What a config added to an object that is not its own (a pod template) is kept in a
// Record in one of the object's annotations; what a config generated carries
// GeneratedByAnnotation. Both make a re-run converge.
package krm
