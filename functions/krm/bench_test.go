package krm_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/tests/bench/gen"
	"github.com/unbake/unbake/tests/bench/micro"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// BenchmarkRead reads a list and parses every item, as Each does for a function.
func BenchmarkRead(b *testing.B) {
	list := gen.List(micro.Items, nil)
	b.SetBytes(int64(len(list)))
	b.ReportAllocs()
	for range b.N {
		rl, err := krm.Read(bytes.NewReader(list))
		if err == nil {
			err = rl.Each(func(*yaml.RNode) error { return nil })
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite writes items as they were read (their text is kept) and items a function
// changed (encoded again).
func BenchmarkWrite(b *testing.B) {
	list := gen.List(micro.Items, nil)
	for _, changed := range []bool{false, true} {
		name := "unchanged"
		if changed {
			name = "changed"
		}
		b.Run(name, func(b *testing.B) {
			rl, err := krm.Read(bytes.NewReader(list))
			if err != nil {
				b.Fatal(err)
			}
			if changed {
				items, err := rl.Items()
				if err != nil {
					b.Fatal(err)
				}
				for _, item := range items {
					if err := item.PipeE(yaml.SetAnnotation("bench", "changed")); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.SetBytes(int64(len(list)))
			b.ReportAllocs()
			for range b.N {
				if err := krm.Write(io.Discard, rl); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
