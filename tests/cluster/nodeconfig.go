package cluster

// containerdConfig is containerd 1.6's CRI configuration (Debian bookworm's), every path
// under the node's directory: root, state, socket, runc root, CNI configuration and the
// registry mirrors (certs.d).
const containerdConfig = `version = 2
root = %q
state = %q

[grpc]
  address = %q

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"
  enable_cdi = false
  # This VM withholds CAP_SYS_RESOURCE even from root, so the -998 oom_score_adj the
  # kubelet asks for the pause container fails in runc ("can't get final child's PID from
  # pipe: EOF"). Clamp every container's oom_score_adj to containerd's own or above.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = %q
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = %q
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = %q
`

// cniConfig is the pods' network: a bridge with NAT to the outside, and host ports.
const cniConfig = `{
  "cniVersion": "0.4.0",
  "name": "node",
  "plugins": [
    {
      "type": "bridge",
      "bridge": %q,
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": %q,
        "ranges": [[{"subnet": %q}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
`

// kubeletConfig is for a throw-away node on cgroup v1 without systemd. Its API takes
// clients with a certificate of the cluster's CA only, authorized by the API server.
const kubeletConfig = `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://%s
podLogsDir: %s
address: %s
port: %s
healthzPort: %s
readOnlyPort: 0
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: %q}
authorization:
  mode: Webhook
clusterDomain: cluster.local
clusterDNS: []
resolvConf: /etc/resolv.conf
registerNode: true
# No evictions or image garbage collection on a shared CI disk.
evictionHard: {memory.available: "100Mi", nodefs.available: "1%%", imagefs.available: "1%%", nodefs.inodesFree: "1%%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
cgroupsPerQOS: true
enforceNodeAllocatable: ["pods"]
makeIPTablesUtilChains: true
syncFrequency: 10s
fileCheckFrequency: 5s
nodeStatusUpdateFrequency: 10s
`

// kubeProxyConfig serves NodePorts on the node's address only, and leaves the machine's
// conntrack sysctls alone.
const kubeProxyConfig = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection:
  kubeconfig: %q
clusterCIDR: %s
hostnameOverride: %s
metricsBindAddress: 127.0.0.1:%s
healthzBindAddress: 127.0.0.1:%s
nodePortAddresses: [%s/32]
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
iptables:
  syncPeriod: 10s
  minSyncPeriod: 1s
  localhostNodePorts: false
`
