package fnconfigs

import (
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// ScriptsToConfigMap puts scripts and config files into a ConfigMap, mounts each at its
// destination path in the containers, and can replace their command and args: the
// Kubernetes way to do a derived image's ADD/COPY and CMD/ENTRYPOINT.
type ScriptsToConfigMap struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        Metadata               `json:"metadata"`
	Spec            ScriptsToConfigMapSpec `json:"spec"`
}

// ScriptsToConfigMapSpec says which files go into the ConfigMap, where they are mounted,
// and in which containers.
type ScriptsToConfigMapSpec struct {
	// ConfigMapName is the generated ConfigMap's name before the hash suffix, and the name
	// of the pod volume that mounts it, so it must be a DNS label; default metadata.name.
	// With secret: true it names the Secret instead.
	ConfigMapName string `json:"configMapName,omitempty"`
	// Secret puts the files into a generated Secret (type Opaque, every file base64-encoded
	// in data) instead of a ConfigMap, named and hashed exactly as kustomize's
	// secretGenerator does, and mounted through a secret volume. For credentials, keys and
	// certificates: the API server can encrypt Secrets at rest and RBAC can keep them from
	// readers of ConfigMaps. Files that are not secret go in a config of their own.
	Secret bool `json:"secret,omitempty"`
	// HashSuffix appends the content hash to the name, `<configMapName>-<hash>`, exactly as
	// kustomize's configMapGenerator does for the same files: changed files make a new
	// name, so the pods roll. Default true.
	HashSuffix *bool `json:"hashSuffix,omitempty"`
	// Immutable marks the ConfigMap (or Secret) immutable, as generatorOptions.immutable
	// does: the kubelet stops watching it, and nobody can change it in place. It needs
	// hashSuffix, since a fixed name could never get new content: changed files get a new
	// name, which rolls the pods.
	Immutable bool `json:"immutable,omitempty"`
	// Labels are put on the generated ConfigMap (or Secret), as generatorOptions.labels
	// does. They are not part of the hash.
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations are put on the generated ConfigMap (or Secret), as
	// generatorOptions.annotations does; keys under fn.unbake.dev/, config.kubernetes.io/
	// and internal.config.kubernetes.io/ are the tools' own and may not be set. They are
	// not part of the hash.
	Annotations map[string]string `json:"annotations,omitempty"`
	// Files are the ConfigMap's entries; at least one.
	Files []ScriptsToConfigMapFile `json:"files"`
	// MountPath is the directory where files without a destination appear (a read-only
	// directory mount that hides what the image has there). Omitted, such files are only in
	// the ConfigMap, for env, envFrom or volumes of your own.
	MountPath string `json:"mountPath,omitempty"`
	// Target picks the workloads and containers that get the files, the command and args.
	Target ScriptsToConfigMapTarget `json:"target,omitempty"`
	// Command replaces the target containers' command (the image's ENTRYPOINT).
	Command []string `json:"command,omitempty"`
	// Args replaces the target containers' args (the image's CMD).
	Args []string `json:"args,omitempty"`
	// Strict turns warnings into errors.
	Strict bool `json:"strict,omitempty"`
}

// ScriptsToConfigMapFile is one file: its content comes inline or from a file.
type ScriptsToConfigMapFile struct {
	// Key is the file's name in the ConfigMap (`[-._a-zA-Z0-9]+`); default the base name of
	// path.
	Key string `json:"key,omitempty"`
	// Content is the file's text, inline; set content or path.
	Content *string `json:"content,omitempty"`
	// Path is a file relative to the directory the function runs in: the kustomization's
	// directory under kustomize, the package directory under kpt. It must stay inside it.
	Path string `json:"path,omitempty"`
	// Mode is the file's permission bits, 0 to 0777; a leading 0 makes it octal (0755 is
	// 493), as kubectl reads defaultMode. Default 0755 when the content starts with `#!`,
	// else 0644.
	Mode *int32 `json:"mode,omitempty"`
	// Destination is the absolute path the file is mounted at, alone (a subPath mount): the
	// rest of that directory in the image stays visible.
	Destination string `json:"destination,omitempty"`
}

// ScriptsToConfigMapTarget picks the workloads, and the containers in them.
type ScriptsToConfigMapTarget struct {
	Targets `json:",inline"`
	// Containers are the names of the containers (app, init or sidecar) that get the
	// mounts, command and args; default every app container.
	Containers []string `json:"containers,omitempty"`
}

// Defaults of a file's mode: scripts are executable.
const (
	DefaultScriptMode int32 = 0o755
	DefaultFileMode   int32 = 0o644
	maxMode           int32 = 0o777
)

// reservedAnnotationPrefixes are the annotations the tools give meaning to: unbake's
// ownership records, and kpt's and kustomize's file mapping and local-config marks.
var reservedAnnotationPrefixes = []string{"fn.unbake.dev/", "config.kubernetes.io/", "internal.config.kubernetes.io/"}

// GeneratedKind is the kind of the object the config generates: ConfigMap, or Secret.
func (c *ScriptsToConfigMap) GeneratedKind() string {
	if c.Spec.Secret {
		return "Secret"
	}
	return "ConfigMap"
}

// Default names the ConfigMap after the config, turns the hash suffix on, and names
// files after their paths.
func (c *ScriptsToConfigMap) Default() {
	if c.Spec.ConfigMapName == "" {
		c.Spec.ConfigMapName = c.Metadata.Name
	}
	if c.Spec.HashSuffix == nil {
		on := true
		c.Spec.HashSuffix = &on
	}
	for i := range c.Spec.Files {
		if f := &c.Spec.Files[i]; f.Key == "" && f.Path != "" {
			f.Key = path.Base(filepath.ToSlash(f.Path))
		}
	}
}

// IsStrict tells whether warnings fail the run.
func (c *ScriptsToConfigMap) IsStrict() bool { return c.Spec.Strict }

// Validate checks the config on its own; the files' contents and the pods are checked by
// the transform.
func (c *ScriptsToConfigMap) Validate() field.ErrorList {
	spec := field.NewPath("spec")
	errs := c.Metadata.Validate(field.NewPath("metadata"))
	errs = append(errs, validateDNSLabel(c.Spec.ConfigMapName, spec.Child("configMapName"))...)
	if c.Spec.Immutable && !*c.Spec.HashSuffix {
		errs = append(errs, field.Invalid(spec.Child("immutable"), true,
			"an immutable "+c.GeneratedKind()+" with a fixed name can never get new content (the API server rejects the update): set hashSuffix: true, or immutable: false"))
	}
	errs = append(errs, validateLabelsAndAnnotations(c.Spec.Labels, c.Spec.Annotations, spec)...)
	if c.Spec.MountPath != "" && !path.IsAbs(c.Spec.MountPath) {
		errs = append(errs, field.Invalid(spec.Child("mountPath"), c.Spec.MountPath, "must be an absolute path"))
	}
	errs = append(errs, c.validateFiles(spec.Child("files"))...)
	errs = append(errs, c.Spec.Target.Targets.Validate(spec.Child("target"))...)
	names := map[string]bool{}
	for i, name := range c.Spec.Target.Containers {
		p := spec.Child("target", "containers").Index(i)
		errs = append(errs, validateDNSLabel(name, p)...)
		if names[name] {
			errs = append(errs, field.Duplicate(p, name))
		}
		names[name] = true
	}
	return errs
}

// validateLabelsAndAnnotations checks them as the API server checks an object's, one key
// at a time in order, so that each error names its key, and keeps the tools' own
// annotations out.
func validateLabelsAndAnnotations(labels, annotations map[string]string, spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, key := range slices.Sorted(maps.Keys(labels)) {
		errs = append(errs, metav1validation.ValidateLabels(map[string]string{key: labels[key]}, spec.Child("labels").Key(key))...)
	}
	p := spec.Child("annotations")
	for _, key := range slices.Sorted(maps.Keys(annotations)) {
		errs = append(errs, apivalidation.ValidateAnnotations(map[string]string{key: annotations[key]}, p.Key(key))...)
		for _, prefix := range reservedAnnotationPrefixes {
			if strings.HasPrefix(key, prefix) {
				errs = append(errs, field.Invalid(p.Key(key), key,
					"annotations under "+prefix+" belong to the tools (ownership records, kpt's file mapping, local-config): a generated object carrying them would be read as another one, or not deployed; choose another key"))
			}
		}
	}
	if err := apivalidation.ValidateAnnotationsSize(annotations); err != nil {
		errs = append(errs, field.TooLong(p, "", apivalidation.TotalAnnotationSizeLimitB))
	}
	return errs
}

func (c *ScriptsToConfigMap) validateFiles(p *field.Path) field.ErrorList {
	if len(c.Spec.Files) == 0 {
		return field.ErrorList{field.Required(p, "add at least one file, with content or path")}
	}
	var errs field.ErrorList
	keys := map[string]bool{}
	destinations := map[string]bool{}
	if c.Spec.MountPath != "" {
		destinations[path.Clean(c.Spec.MountPath)] = true
	}
	for i, f := range c.Spec.Files {
		fp := p.Index(i)
		errs = append(errs, f.validateSource(fp)...)
		errs = append(errs, f.validateKey(fp.Child("key"), keys)...)
		errs = append(errs, f.validateMode(fp.Child("mode"))...)
		if f.Destination == "" {
			continue
		}
		if !path.IsAbs(f.Destination) {
			errs = append(errs, field.Invalid(fp.Child("destination"), f.Destination,
				"must be an absolute path inside the container, e.g. /usr/local/bin/"+f.Key))
			continue
		}
		if d := path.Clean(f.Destination); destinations[d] {
			errs = append(errs, field.Duplicate(fp.Child("destination"), f.Destination))
		} else {
			destinations[d] = true
		}
	}
	return errs
}

// validateSource requires exactly one of content and path, and a path that stays inside
// the directory it is relative to.
func (f ScriptsToConfigMapFile) validateSource(p *field.Path) field.ErrorList {
	switch {
	case f.Content == nil && f.Path == "":
		return field.ErrorList{field.Required(p, "set content (the text inline) or path (a file)")}
	case f.Content != nil && f.Path != "":
		return field.ErrorList{field.Forbidden(p.Child("path"), "set content or path, not both")}
	case f.Path != "" && !filepath.IsLocal(f.Path):
		return field.ErrorList{field.Invalid(p.Child("path"), f.Path,
			"must be a relative path inside the directory the function runs in (no '..', not absolute)")}
	}
	return nil
}

// validateKey requires a ConfigMap key that no other file has.
func (f ScriptsToConfigMapFile) validateKey(p *field.Path, seen map[string]bool) field.ErrorList {
	if f.Key == "" {
		return field.ErrorList{field.Required(p, "name the file: a file with inline content has no path to take its name from")}
	}
	var errs field.ErrorList
	for _, msg := range validation.IsConfigMapKey(f.Key) {
		errs = append(errs, field.Invalid(p, f.Key, msg))
	}
	if seen[f.Key] {
		errs = append(errs, field.Duplicate(p, f.Key))
	}
	seen[f.Key] = true
	return errs
}

// validateMode keeps the mode within the permission bits, as the API server does for
// ConfigMap volume items.
func (f ScriptsToConfigMapFile) validateMode(p *field.Path) field.ErrorList {
	if f.Mode == nil || (*f.Mode >= 0 && *f.Mode <= maxMode) {
		return nil
	}
	msg := "must be between 0 and 0777 (octal), which is 511"
	if digits := strconv.Itoa(int(*f.Mode)); readsAsMode(digits) {
		msg += fmt.Sprintf("; to mean octal %s, write 0%s: without the leading 0, YAML reads a decimal number", digits, digits)
	}
	return field.ErrorList{field.Invalid(p, *f.Mode, msg)}
}

// readsAsMode tells whether digits, read as octal, are a valid mode: the user wrote 755
// meaning 0755.
func readsAsMode(digits string) bool {
	mode, err := strconv.ParseUint(digits, 8, 32)
	return err == nil && mode <= uint64(maxMode)
}
