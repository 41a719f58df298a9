// Package micro holds what the functions' Go benchmarks share (go test -bench, for
// profiling with -cpuprofile and -memprofile): the same lists and configs as make bench.
package micro

import (
	"bytes"
	"testing"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/tests/bench/configs"
	"github.com/unbake/unbake/tests/bench/gen"
)

// Items is the size of the benchmarks' lists.
const Items = 1000

// Transform benchmarks fn.Process on the list of Items items with fn's benchmark config.
// Process changes the list, so it is read again before every run, untimed.
func Transform(b *testing.B, fn krm.Function) {
	list := gen.List(Items, configs.For(fn.Name))
	b.ReportAllocs()
	for range b.N {
		b.StopTimer()
		rl, err := krm.Read(bytes.NewReader(list))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := fn.Process(rl); err != nil {
			b.Fatal(err)
		}
		if krm.HasErrors(rl.Results) {
			b.Fatalf("%s failed on the benchmark list: %v", fn.Name, rl.Results)
		}
	}
}
