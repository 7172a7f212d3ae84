module github.com/trust-fabric/trust-fabric/sdk/go

go 1.26.8

require (
	github.com/consensys/gnark-crypto v0.22.0
	github.com/iden3/go-iden3-crypto v0.0.17
	golang.org/x/text v0.44.0
)

require (
	github.com/bits-and-blooms/bitset v1.25.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)
