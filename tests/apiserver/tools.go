//go:build tools

// Package apiserver pins the programs the acceptance tests build: `go build` of these
// packages needs them in this module's graph.
package apiserver

import (
	_ "go.etcd.io/etcd/server/v3/etcdmain"
	_ "k8s.io/kubernetes/cmd/kube-apiserver/app"
)
