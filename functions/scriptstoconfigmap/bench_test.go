package scriptstoconfigmap_test

import (
	"testing"

	"github.com/unbake/unbake/functions/scriptstoconfigmap"
	"github.com/unbake/unbake/tests/bench/micro"
)

func BenchmarkTransform(b *testing.B) { micro.Transform(b, scriptstoconfigmap.Function) }
