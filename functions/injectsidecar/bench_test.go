package injectsidecar_test

import (
	"testing"

	"github.com/unbake/unbake/functions/injectsidecar"
	"github.com/unbake/unbake/tests/bench/micro"
)

func BenchmarkTransform(b *testing.B) { micro.Transform(b, injectsidecar.Function) }
