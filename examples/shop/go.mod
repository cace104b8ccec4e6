module example.com/shop

go 1.26.0

require (
	github.com/google/uuid v1.6.0
	github.com/jackc/pgx/v5 v5.12.0
	github.com/larderhq/larder v0.0.0
)

require (
	github.com/amacneil/dbmate/v2 v2.35.0 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	github.com/jinzhu/inflection v1.0.0 // indirect
	github.com/larderhq/larder/tools v0.0.0 // indirect
	github.com/lib/pq v1.12.3 // indirect
	github.com/sqlc-dev/plugin-sdk-go v1.23.0 // indirect
	github.com/vgarvardt/pgx-google-uuid/v5 v5.6.0 // indirect
	golang.org/x/net v0.55.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260427160629-7cedc36a6bc4 // indirect
	google.golang.org/grpc v1.82.1 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)

tool github.com/larderhq/larder/tools/sqlc-gen-many

// This example builds on the Larder of this checkout; an application
// requires a released version instead and has no replace directives.
replace (
	github.com/larderhq/larder => ../..
	github.com/larderhq/larder/tools => ../../tools
)
