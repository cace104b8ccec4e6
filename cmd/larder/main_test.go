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
		{name: "bad subcommand", args: []string{"db", "drop"}, code: 2, want: "want url, server, pooler or stop"},
		{name: "every command explains itself", args: []string{"worker", "-h"}, code: 0, want: "Runs Larder's jobs until SIGINT or SIGTERM"},
		{name: "seed's help", args: []string{"seed", "-help"}, code: 0, want: "-scale N adds"},
		{name: "a bad log format", args: []string{"demo", "-log-format", "xml"}, code: 2, want: "-log-format is text or json"},
		{name: "a bad log format before the command", args: []string{"-log-format", "xml", "db", "url"}, code: 2, want: "-log-format is text or json"},
		{name: "an unknown flag", args: []string{"seed", "-sclae", "3"}, code: 2, want: "flag provided but not defined: -sclae"},
		{name: "bad queues", args: []string{"worker", "-queues", "default=0"}, code: 2, want: "-queues wants name=n pairs"},
		{name: "a negative scale", args: []string{"seed", "-scale", "-1"}, code: 2, want: "-scale is 0 or more"},
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
