package setrunas_test

import (
	"testing"

	"github.com/unbake/unbake/functions/setrunas"
	"github.com/unbake/unbake/tests/bench/micro"
)

func BenchmarkTransform(b *testing.B) { micro.Transform(b, setrunas.Function) }
