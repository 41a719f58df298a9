package cluster

import (
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/cgi"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// Server is an HTTP server on the node's address, for pods to reach.
type Server struct {
	// URL is where it serves, e.g. http://10.250.250.1:40123/.
	URL      string
	listener net.Listener
}

// Close stops the server.
func (s *Server) Close() error { return s.listener.Close() }

func (n *Node) serve(handler http.Handler) (*Server, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(NodeIP, "0"))
	if err != nil {
		return nil, err
	}
	go func() { _ = http.Serve(l, handler) }()
	return &Server{URL: "http://" + l.Addr().String() + "/", listener: l}, nil
}

// ServeGit serves, read-only over git's smart HTTP protocol (git http-backend), mirrors
// of repositories: path in the server ("easydoggie/testapp.git") to a git bundle or a
// repository's directory.
func (n *Node) ServeGit(sources map[string]string) (*Server, error) {
	root := n.path("git", FreePort())
	for path, source := range sources {
		if _, err := output("git", "clone", "--quiet", "--mirror", source, filepath.Join(root, path)); err != nil {
			return nil, err
		}
	}
	backend, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		return nil, err
	}
	return n.serve(&cgi.Handler{
		Path: filepath.Join(strings.TrimSpace(string(backend)), "git-http-backend"),
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"},
	})
}

// ServePackages serves the wheels in dir as a package index in PyPI's simple format
// (PEP 503): /simple/<project>/ links each of the project's wheels.
func (n *Node) ServePackages(dir string) (*Server, error) {
	wheels, err := filepath.Glob(filepath.Join(dir, "*.whl"))
	if err != nil || len(wheels) == 0 {
		return nil, fmt.Errorf("no wheels in %s (%v)", dir, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/files/", http.StripPrefix("/files/", http.FileServer(http.Dir(dir))))
	mux.HandleFunc("/simple/{project}/", func(w http.ResponseWriter, r *http.Request) {
		project := normalize(r.PathValue("project"))
		var links strings.Builder
		for _, wheel := range wheels {
			name := filepath.Base(wheel)
			if normalize(strings.SplitN(name, "-", 2)[0]) == project {
				fmt.Fprintf(&links, "<a href=\"/files/%s\">%s</a>\n", html.EscapeString(name), html.EscapeString(name))
			}
		}
		if links.Len() == 0 {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "<!DOCTYPE html>\n<html><body>\n%s</body></html>\n", links.String())
	})
	return n.serve(mux)
}

// normalize is a project name as PEP 503 compares them.
func normalize(name string) string {
	return strings.ToLower(separators.ReplaceAllString(name, "-"))
}

var separators = regexp.MustCompile(`[-_.]+`)

// KillPodSandbox kills the pause container of a pod: the kubelet makes a new sandbox
// and runs the pod's init containers again, on the volumes the pod already has.
func (n *Node) KillPodSandbox(namespace, pod string) error {
	ids, err := n.ctr("containers", "ls", "--quiet",
		fmt.Sprintf(`labels."io.kubernetes.pod.name"==%s,labels."io.kubernetes.pod.namespace"==%s,labels."io.cri-containerd.kind"==sandbox`, pod, namespace))
	if err != nil {
		return err
	}
	if len(strings.Fields(ids)) != 1 {
		return fmt.Errorf("pod %s/%s: sandboxes %q, want one", namespace, pod, ids)
	}
	_, err = n.ctr("tasks", "kill", "--signal", "SIGKILL", strings.TrimSpace(ids))
	return err
}
