package fnconfigs

import (
	"path"
	"slices"

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
func validateProfileType(kind string, localhost *string, at *field.Path) field.ErrorList {
	switch {
	case kind == "":
		return field.ErrorList{field.Required(at.Child("type"), "set RuntimeDefault, Localhost or Unconfined")}
	case !slices.Contains(profileTypes, kind):
		return field.ErrorList{field.NotSupported(at.Child("type"), kind, profileTypes)}
	case kind == "Localhost" && (localhost == nil || *localhost == ""):
		return field.ErrorList{field.Required(at.Child("localhostProfile"), "type Localhost needs the profile's name or path")}
	case kind != "Localhost" && localhost != nil:
		return field.ErrorList{field.Invalid(at.Child("localhostProfile"), *localhost, "only type Localhost takes a localhostProfile: remove it, or set type: Localhost")}
	}
	return nil
}

// profileTypes are the seccomp and AppArmor profile types of the API.
var profileTypes = []string{"RuntimeDefault", "Localhost", "Unconfined"}
