package cluster

import (
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"
)

// AuthRegistry is a registry that takes pushes and pulls only with a login: Debian's
// distribution registry with htpasswd authentication, on the node's address, over plain
// HTTP (the address never leaves the machine; TLS would need every client to trust
// another CA, which is no part of what the tests prove). containerd reaches it over HTTP.
type AuthRegistry struct {
	// Host is its host:port, which image references and docker config.json name.
	Host string
	// DockerConfigJSON is a docker config.json with the login.
	DockerConfigJSON string
}

// StartAuthRegistry starts the registry, accepting user with password.
func (n *Node) StartAuthRegistry(user, password string) (*AuthRegistry, error) {
	dir := n.path("auth-registry")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	hashed, err := output("htpasswd", "-Bbn", user, password)
	if err != nil {
		return nil, err
	}
	if err := writeFile(dir+"/htpasswd", hashed); err != nil {
		return nil, err
	}
	r := &AuthRegistry{Host: net.JoinHostPort(NodeIP, FreePort())}
	config := fmt.Sprintf("version: 0.1\nlog: {level: warn}\nstorage:\n  filesystem: {rootdirectory: %s/data}\nhttp:\n  addr: %s\nauth:\n  htpasswd: {realm: unbake-node, path: %s/htpasswd}\n",
		dir, r.Host, dir)
	if err := writeFile(dir+"/config.yml", config); err != nil {
		return nil, err
	}
	if err := n.procs.Spawn("auth-registry", "docker-registry", "serve", dir+"/config.yml"); err != nil {
		return nil, err
	}
	// An unauthenticated /v2/ answers 401 once the registry runs.
	if err := poll(30*time.Second, func() error { _, err := net.Dial("tcp", r.Host); return err }); err != nil {
		return nil, fmt.Errorf("the registry did not start: %w (log: %s)", err, n.procs.Log("auth-registry"))
	}
	auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	r.DockerConfigJSON = fmt.Sprintf(`{"auths": {%q: {"auth": %q}}}`, r.Host, auth)
	// containerd pulls from it over HTTP, with the pods' pull secrets.
	hosts := fmt.Sprintf("server = \"http://%s\"\n\n[host.\"http://%s\"]\n  capabilities = [\"pull\", \"resolve\"]\n", r.Host, r.Host)
	return r, writeFile(n.path("certs.d", r.Host, "hosts.toml"), hosts)
}

// Digest is the digest the registry serves for ref (in this registry), read with the
// registry's login.
func (n *Node) Digest(r *AuthRegistry, ref string) (string, error) {
	config := n.path("auth-registry", "client")
	if err := writeFile(config+"/config.json", r.DockerConfigJSON); err != nil {
		return "", err
	}
	cmd := exec.Command(n.opts.Crane, "digest", ref)
	cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+config)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("crane digest %s: %v: %s", ref, err, out)
	}
	return strings.TrimSpace(string(out)), nil
}
