package fnconfigs

import (
	"path"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// validateFilesystem checks writablePaths and home: absolute, clean, distinct paths,
// for containers the config can name.
func (s *SetRunAsSpec) validateFilesystem(spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, w := range s.WritablePaths {
		p := spec.Child("writablePaths").Index(i)
		errs = append(errs, validateAbsolute(w.Path, p.Child("path"))...)
		if seen[path.Clean(w.Path)] {
			errs = append(errs, field.Duplicate(p.Child("path"), w.Path))
		}
		seen[path.Clean(w.Path)] = true
		for j, name := range w.Containers {
			errs = append(errs, validateDNSLabel(name, p.Child("containers").Index(j))...)
		}
	}
	if s.Home != "" {
		errs = append(errs, validateAbsolute(s.Home, spec.Child("home"))...)
		if seen[path.Clean(s.Home)] {
			errs = append(errs, field.Invalid(spec.Child("home"), s.Home, "is also in writablePaths: keep it in one of them"))
		}
	}
	return errs
}

func validateAbsolute(p string, at *field.Path) field.ErrorList {
	switch {
	case p == "":
		return field.ErrorList{field.Required(at, "set an absolute path")}
	case !path.IsAbs(p) || path.Clean(p) == "/":
		return field.ErrorList{field.Invalid(at, p, "must be an absolute path below /, e.g. /tmp")}
	}
	return nil
}

// validateProfileType checks a seccomp or AppArmor profile as the API does: Localhost
// needs localhostProfile, the other types forbid it.
func validateProfileType[P *corev1.SeccompProfile | *corev1.AppArmorProfile](profile P, at *field.Path) field.ErrorList {
	if profile == nil {
		return nil
	}
	var kind string
	var localhost *string
	switch p := any(profile).(type) {
	case *corev1.SeccompProfile:
		kind, localhost = string(p.Type), p.LocalhostProfile
	case *corev1.AppArmorProfile:
		kind, localhost = string(p.Type), p.LocalhostProfile
	}
	if errs := validateEnum(kind, profileTypes, at.Child("type")); len(errs) > 0 || kind == "" {
		return append(errs, requiredIfEmpty(kind, at.Child("type"))...)
	}
	switch {
	case kind == "Localhost" && (localhost == nil || *localhost == ""):
		return field.ErrorList{field.Required(at.Child("localhostProfile"), "type Localhost needs the profile's name or path")}
	case kind != "Localhost" && localhost != nil:
		return field.ErrorList{field.Invalid(at.Child("localhostProfile"), *localhost, "only type Localhost takes a localhostProfile: remove it, or set type: Localhost")}
	}
	return nil
}

// profileTypes are the seccomp and AppArmor profile types of the API.
var profileTypes = []string{"RuntimeDefault", "Localhost", "Unconfined"}

func requiredIfEmpty(v string, at *field.Path) field.ErrorList {
	if v == "" {
		return field.ErrorList{field.Required(at, "set RuntimeDefault, Localhost or Unconfined")}
	}
	return nil
}
