// Package fnconfigs holds the function config kinds of apiVersion fn.unbake.dev/v1alpha1:
// their Go types, defaults, validation, and the OpenAPI v3 schemas generated from them.
// The doc comments of the types are the one source of the fields' docs: go generate also
// writes them as the field reference of each kind's README.
package fnconfigs

//go:generate go run ./internal/schemagen -out schemas
