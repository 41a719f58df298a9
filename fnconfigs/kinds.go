package fnconfigs

// Kind is a config kind: its name and a constructor of its Go type.
type Kind struct {
	// Name is the kind users write, e.g. InjectSidecar.
	Name string
	// New returns a zero config of the kind.
	New func() Config
}

// Kinds lists every config kind. `go generate ./fnconfigs` writes schemas/<name
// lowercased>.json for each, and its field reference into the README that holds its
// markers: a new kind is one more line here, and those two marker lines in its README.
var Kinds = []Kind{
	{Name: "InjectSidecar", New: func() Config { return &InjectSidecar{} }},
	{Name: "ScriptsToConfigMap", New: func() Config { return &ScriptsToConfigMap{} }},
	{Name: "KanikoJob", New: func() Config { return &KanikoJob{} }},
	{Name: "SetRunAs", New: func() Config { return &SetRunAs{} }},
	{Name: "PrepullDaemonSet", New: func() Config { return &PrepullDaemonSet{} }},
	{Name: "InitChain", New: func() Config { return &InitChain{} }},
	{Name: PipelineKind, New: func() Config { return &Pipeline{} }},
}

// SchemaEnums are the allowed values of string fields that their Go types cannot express,
// for the generated schemas, keyed by Go type + "." + Go field; on a list of strings they
// constrain the items.
var SchemaEnums = map[string][]string{
	"InjectSidecarSpec.Position": {PositionFirst, PositionLast},
	"Selector.Kinds":             WorkloadKinds,
	"KanikoJobSpec.ArgoCDHook":   {"", ArgoCDHookPreSync},

	"SetRunAsSpec.Profile":                  Profiles,
	"SetRunAsSpec.FSGroupChangePolicy":      FSGroupChangePolicies,
	"SetRunAsSpec.SupplementalGroupsPolicy": SupplementalGroupPolicies,

	"PrepullDaemonSetSpec.Latest": {LatestWarn, LatestError, LatestAllow},

	"PipelineStep.APIVersion": {APIVersion},
	"PipelineStep.Kind":       PipelineStepKinds(),
}
