package convert

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzConvert: any input is converted or refused with an error, never a panic; what is
// converted has its CONVERSION.md. The seeds are the golden cases' Dockerfiles.
func FuzzConvert(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*", "in", "Dockerfile"))
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		var pkg *Package
		var err error
		go func() {
			defer close(done)
			pkg, err = Convert(Options{Context: dir, Name: "fuzz"})
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("no answer within 10 seconds:\n%q", data)
		}
		if err == nil && len(pkg.Files["CONVERSION.md"]) == 0 {
			t.Fatalf("converted without CONVERSION.md:\n%s", data)
		}
	})
}
