package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRunExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{name: "no arguments prints usage", args: nil, code: 0, want: "Commands:"},
		{name: "help", args: []string{"help"}, code: 0, want: "Commands:"},
		{name: "a command's help", args: []string{"migrate", "-h"}, code: 0, want: "Usage: larder migrate"},
		{name: "unknown command", args: []string{"nope"}, code: 2, want: `unknown command "nope"`},
		{name: "bad subcommand", args: []string{"db", "drop"}, code: 2, want: "want url or stop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, &stdout, &stderr)
			require.Equal(t, tt.code, code)
			require.Contains(t, stdout.String()+stderr.String(), tt.want)
		})
	}
}
