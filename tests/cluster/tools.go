//go:build tools

// Package cluster pins the programs the cluster tests build: kube-apiserver and etcd for
// the acceptance tests (apiserver/), and the node's kubelet, controller-manager, scheduler
// and kube-proxy (node/). `go build` of these packages needs them in this module's graph.
package cluster

import (
	_ "go.etcd.io/etcd/server/v3/etcdmain"
	_ "k8s.io/kubectl/pkg/cmd"
	_ "k8s.io/kubernetes/cmd/kube-apiserver/app"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	_ "k8s.io/kubernetes/cmd/kube-proxy/app"
	_ "k8s.io/kubernetes/cmd/kube-scheduler/app"
	_ "k8s.io/kubernetes/cmd/kubelet/app"
)
