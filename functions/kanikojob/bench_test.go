package kanikojob_test

import (
	"testing"

	"github.com/unbake/unbake/functions/kanikojob"
	"github.com/unbake/unbake/tests/bench/micro"
)

func BenchmarkTransform(b *testing.B) { micro.Transform(b, kanikojob.Function) }
