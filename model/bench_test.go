package model

import "testing"

func BenchmarkUserUpdateMarshal(b *testing.B) {
	u := testUser()
	b.ReportAllocs()
	for b.Loop() {
		Marshal(Update{Event: EventPut, Source: u.URI(), Data: u.Element("user")}.Element())
	}
}

func BenchmarkParseUserRequest(b *testing.B) {
	body := []byte(`<User><state>NOT_READY</state><reasonCodeId>22</reasonCodeId></User>`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseUserRequest(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUserUpdateMarshalIndent(b *testing.B) {
	u := testUser()
	b.ReportAllocs()
	for b.Loop() {
		MarshalIndent(Update{Event: EventPut, Source: u.URI(), Data: u.Element("user")}.Element())
	}
}
