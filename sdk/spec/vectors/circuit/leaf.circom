pragma circom 2.0.0;
// SDK test circuit (not a production circuit): proves knowledge of (pepper, field) whose
// Poseidon leaf is public, so the Groth16 vectors exercise the same hash the SDKs compute.
include "circomlib/circuits/poseidon.circom";

template Leaf() {
    signal input pepper;
    signal input field;
    signal output leaf;
    component h = Poseidon(2);
    h.inputs[0] <== pepper;
    h.inputs[1] <== field;
    leaf <== h.out;
}

component main = Leaf();
