package initchain_test

import (
	"testing"

	"github.com/unbake/unbake/functions/initchain"
	"github.com/unbake/unbake/tests/bench/micro"
)

func BenchmarkTransform(b *testing.B) { micro.Transform(b, initchain.Function) }
