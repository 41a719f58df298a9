package setrunas

import (
	"testing"

	"github.com/unbake/unbake/functions/golden"
)

func TestGolden(t *testing.T) { golden.Run(t, Function, "testdata") }

func FuzzSetRunAs(f *testing.F) { golden.Fuzz(f, Function, "testdata") }
