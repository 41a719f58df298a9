// Package fnconfigs holds the function config kinds of apiVersion fn.unbake.dev/v1alpha1:
// their Go types, defaults, validation, and the OpenAPI v3 schemas generated from them.
package fnconfigs

//go:generate go run ./internal/schemagen -out schemas
