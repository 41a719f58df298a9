package cluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// hostState is what a node changes on the machine, saved before it starts so that
// teardown leaves the machine as it found it.
type hostState struct {
	dir string
	// iptables and ip6tables are iptables-save's output, nftTables `nft list tables`.
	iptables, ip6tables, nftTables string
	sysctls                        map[string]string
	// createdPaths are the host paths that containerd, CNI and the kubelet write to
	// whatever their configuration says, and that did not exist before.
	createdPaths []string
	// addresses are the addresses the node added to the loopback interface.
	addresses []string
}

// hostPaths are written by containerd, the CNI plugins and the kubelet outside the
// node's directory, whatever their configuration says.
var hostPaths = []string{"/run/containerd", "/run/netns", "/var/lib/cni", "/var/lib/kubelet", "/var/log/containers", "/var/log/pods"}

// sysctls the node needs: pods reach Services through the bridge and kube-proxy's rules.
var nodeSysctls = map[string]string{"net/ipv4/ip_forward": "1", "net/bridge/bridge-nf-call-iptables": "1"}

func saveHost(dir string) (*hostState, error) {
	h := &hostState{dir: dir, sysctls: map[string]string{}}
	var err error
	if h.iptables, err = output("iptables-save"); err != nil {
		return nil, err
	}
	if h.ip6tables, err = output("ip6tables-save"); err != nil {
		return nil, err
	}
	if h.nftTables, err = output("nft", "list", "tables"); err != nil {
		return nil, err
	}
	if _, err := os.Stat("/proc/sys/net/bridge"); err != nil {
		// Pods reach a Service's pods on the same bridge only through its iptables rules.
		_, _ = output("modprobe", "br_netfilter")
	}
	for key := range nodeSysctls {
		value, err := os.ReadFile(filepath.Join("/proc/sys", key))
		if err != nil {
			return nil, fmt.Errorf("sysctl %s: %w (the node needs br_netfilter)", key, err)
		}
		h.sysctls[key] = strings.TrimSpace(string(value))
	}
	for _, p := range hostPaths {
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			h.createdPaths = append(h.createdPaths, p)
		}
	}
	return h, nil
}

// prepare sets the sysctls and gives the loopback interface the node's address, so that
// no traffic of the node's goes to the machine's own network.
func (h *hostState) prepare(address string) error {
	for key, value := range nodeSysctls {
		if err := os.WriteFile(filepath.Join("/proc/sys", key), []byte(value), 0o644); err != nil {
			return err
		}
	}
	if _, err := output("ip", "addr", "add", address+"/32", "dev", "lo"); err != nil {
		return err
	}
	h.addresses = append(h.addresses, address)
	return nil
}

// restore undoes what the node left: rules, tables, interfaces, sysctls and host paths.
// It goes on after a failure, and running it twice does no harm.
func (h *hostState) restore(links ...string) []error {
	var errs []error
	try := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	for _, link := range links {
		if _, err := os.Stat("/sys/class/net/" + link); err == nil {
			_, err = output("ip", "link", "delete", link)
			try(err)
		}
	}
	for _, address := range h.addresses {
		_, err := output("ip", "addr", "del", address+"/32", "dev", "lo")
		try(err)
	}
	h.addresses = nil
	try(restoreWith("iptables-restore", h.iptables))
	try(restoreWith("ip6tables-restore", h.ip6tables))
	// iptables-nft leaves the tables it created (filter, nat, mangle) behind.
	if tables, err := output("nft", "list", "tables"); err == nil {
		for _, table := range strings.Split(strings.TrimSpace(tables), "\n") {
			if fields := strings.Fields(table); len(fields) == 3 && !strings.Contains("\n"+h.nftTables+"\n", "\n"+table+"\n") {
				_, err := output("nft", "delete", "table", fields[1], fields[2])
				try(err)
			}
		}
	}
	for key, value := range h.sysctls {
		try(os.WriteFile(filepath.Join("/proc/sys", key), []byte(value), 0o644))
	}
	for _, p := range h.createdPaths {
		try(os.RemoveAll(p))
	}
	return errs
}

func restoreWith(program, saved string) error {
	cmd := exec.Command(program)
	cmd.Stdin = strings.NewReader(saved)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v: %s", program, err, out)
	}
	return nil
}

func output(program string, args ...string) (string, error) {
	out, err := exec.Command(program, args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %v: %s", program, strings.Join(args, " "), err, out)
	}
	return string(out), nil
}
