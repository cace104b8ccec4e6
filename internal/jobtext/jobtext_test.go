package jobtext

import (
	"strings"
	"testing"
)

func TestText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		got  string
		want string
	}{
		{name: "sub-millisecond", got: Millis(0.4213), want: "421µs"},
		{name: "milliseconds", got: Millis(12.3456), want: "12.35ms"},
		{name: "seconds", got: Millis(1234.5), want: "1.23s"},
		{name: "minutes", got: Millis(123456), want: "2m3s"},
		{name: "a short line", got: FirstLine("boom", 10), want: "boom"},
		{name: "more lines", got: FirstLine("boom\nstack", 10), want: "boom…"},
		{name: "a long line", got: FirstLine(strings.Repeat("é", 12), 10), want: strings.Repeat("é", 10) + "…"},
		{name: "a payload", got: IndentJSON([]byte(`{"a":[1,2]}`)), want: "{\n  \"a\": [\n    1,\n    2\n  ]\n}"},
		{name: "not JSON", got: IndentJSON([]byte(`nope`)), want: "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
