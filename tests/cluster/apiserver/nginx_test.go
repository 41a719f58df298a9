package apiserver

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/unbake/unbake/tests/cluster"
	"sigs.k8s.io/yaml"
)

// TestBasicAuthLetsOnlyFooThrough runs Debian's nginx with the server block and htpasswd
// exactly as rendered for the TensorBoard example, in front of a stub standing in for
// TensorBoard. Only the listen port, the upstream address and the htpasswd file's location
// are substituted, to run on this machine.
func TestBasicAuthLetsOnlyFooThrough(t *testing.T) {
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		t.Fatalf("nginx is not installed: `make acceptance` installs Debian's nginx-light (%v)", err)
	}
	serverBlock, htpasswd := renderedAuthFiles(t, "../../../examples/tensorboard-basic-auth/expected.yaml")

	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "tensorboard stub")
	}))
	defer upstream.Close()

	dir := t.TempDir()
	port := cluster.FreePort()
	writeFile(t, filepath.Join(dir, "htpasswd"), htpasswd)
	serverBlock = substitute(t, serverBlock, `listen\s+\d+;`, "listen 127.0.0.1:"+port+";")
	serverBlock = substitute(t, serverBlock, `proxy_pass\s+http://127\.0\.0\.1:\d+;`, "proxy_pass "+upstream.URL+";")
	serverBlock = substitute(t, serverBlock, `auth_basic_user_file\s+\S+;`, "auth_basic_user_file "+filepath.Join(dir, "htpasswd")+";")
	writeFile(t, filepath.Join(dir, "server.conf"), serverBlock)
	// One process, no workers: workers would run as nobody, who cannot read the test's
	// private temp dir.
	writeFile(t, filepath.Join(dir, "nginx.conf"), fmt.Sprintf(`daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events {}
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    include %[1]s/server.conf;
}
`, dir))

	cmd := exec.Command(nginx, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", filepath.Join(dir, "nginx.conf"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if out, err := exec.Command(nginx, "-t", "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", filepath.Join(dir, "nginx.conf")).CombinedOutput(); err != nil {
		t.Fatalf("nginx rejects the rendered server block: %v\n%s", err, out)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	url := "http://127.0.0.1:" + port + "/"
	waitForStatus(t, url, http.StatusUnauthorized, filepath.Join(dir, "error.log"))

	for _, tc := range []struct {
		name, user, password string
		status               int
		body                 string
	}{
		{name: "no credentials", status: http.StatusUnauthorized},
		{name: "wrong password", user: "foo", password: "wrong", status: http.StatusUnauthorized},
		{name: "unknown user", user: "bar", password: "bar", status: http.StatusUnauthorized},
		{name: "foo/bar", user: "foo", password: "bar", status: http.StatusOK, body: "tensorboard stub"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			if tc.user != "" {
				req.SetBasicAuth(tc.user, tc.password)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || (tc.body != "" && string(body) != tc.body) {
				t.Fatalf("got %d %q, want %d %q", resp.StatusCode, body, tc.status, tc.body)
			}
		})
	}
}

// renderedAuthFiles finds, in a rendered stream, the nginx server block (a ConfigMap value
// with auth_basic) and the htpasswd file (a Secret key named htpasswd).
func renderedAuthFiles(t *testing.T, file string) (serverBlock, htpasswd string) {
	t.Helper()
	for _, doc := range documents(t, file) {
		var obj struct {
			Kind       string            `json:"kind"`
			Data       map[string]string `json:"data"`
			StringData map[string]string `json:"stringData"`
		}
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatal(err)
		}
		switch obj.Kind {
		case "ConfigMap":
			for _, v := range obj.Data {
				if strings.Contains(v, "auth_basic") {
					serverBlock = v
				}
			}
		case "Secret":
			if v, ok := obj.StringData["htpasswd"]; ok {
				htpasswd = v
			} else if v, ok := obj.Data["htpasswd"]; ok {
				decoded, err := base64.StdEncoding.DecodeString(v)
				if err != nil {
					t.Fatal(err)
				}
				htpasswd = string(decoded)
			}
		}
	}
	if serverBlock == "" || htpasswd == "" {
		t.Fatalf("%s: no ConfigMap with an auth_basic server block, or no Secret with htpasswd", file)
	}
	return serverBlock, htpasswd
}

func substitute(t *testing.T, text, pattern, replacement string) string {
	t.Helper()
	re := regexp.MustCompile(pattern)
	if !re.MatchString(text) {
		t.Fatalf("the rendered server block has no %s", pattern)
	}
	return re.ReplaceAllLiteralString(text, replacement)
}

func waitForStatus(t *testing.T, url string, status int, logFile string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == status {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	log, _ := os.ReadFile(logFile)
	t.Fatalf("nginx did not answer %d on %s within 10s; its log:\n%s", status, url, log)
}
