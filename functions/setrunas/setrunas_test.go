package setrunas

import (
	"testing"

	"github.com/unbake/unbake/functions/golden"
)

func TestGolden(t *testing.T) { golden.Run(t, Function, "testdata") }
