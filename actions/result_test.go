package actions

import "testing"

func TestCodeHTTPStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give Code
		want int
	}{
		{CodeInvalid, 422},
		{CodeNotFound, 404},
		{CodeConflict, 409},
		{CodeForbidden, 403},
		{CodeInternal, 500},
		{Code("unknown"), 500},
	}
	for _, tt := range tests {
		if got := tt.give.HTTPStatus(); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.give, got, tt.want)
		}
	}
}
