package prepulldaemonset_test

import (
	"testing"

	"github.com/unbake/unbake/functions/prepulldaemonset"
	"github.com/unbake/unbake/tests/bench/micro"
)

func BenchmarkTransform(b *testing.B) { micro.Transform(b, prepulldaemonset.Function) }
