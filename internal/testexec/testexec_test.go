package testexec

import (
	"os"
	"testing"
)

// TestCommand runs this test binary again, with a test that only reports
// that it ran: the child must start and succeed on every architecture,
// emulated or not.
func TestCommand(t *testing.T) {
	if os.Getenv("NNDIY_TESTEXEC_CHILD") == "1" {
		return
	}
	cmd := Command("-test.run=^TestCommand$", "-test.v")
	cmd.Env = append(os.Environ(), "NNDIY_TESTEXEC_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", cmd, err, out)
	}
	t.Logf("%v ran", cmd.Args)
}
