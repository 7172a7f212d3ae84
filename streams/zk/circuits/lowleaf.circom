pragma circom 2.1.0;

// Indexed ("low leaf") Merkle tree checks for ZK-TX.
// A committed set is a sorted linked list of leaves stored in a Poseidon Merkle tree:
// node i = Poseidon(value_i, next_i), with a lower sentinel value 0 and the last node's next = p-1.
// One path to the "low leaf" (value <= query < next) proves both answers:
//   overlap = 1  when value == query            (membership)
//   overlap = 0  when value <  query < next      (non-membership)
// Leaves and queries are full BN254 field elements (Poseidon outputs), so the order checks
// decompose them canonically (Num2Bits_strict, alias-checked) and compare two 127-bit halves:
// every LessThan works on < 2^127 values, far below the 2^252 soundness bound.

include "poseidon.circom";
include "bitify.circom";
include "comparators.circom";

// a < b for canonical field elements given as their strict bit decompositions.
template BitsLessThan() {
    signal input a[254];
    signal input b[254];
    signal output out;

    var aHi = 0; var aLo = 0; var bHi = 0; var bLo = 0;
    var e = 1;
    for (var i = 0; i < 127; i++) {
        aLo += a[i] * e; bLo += b[i] * e;
        aHi += a[i + 127] * e; bHi += b[i + 127] * e;
        e = e + e;
    }
    component hiLt = LessThan(127);
    hiLt.in[0] <== aHi; hiLt.in[1] <== bHi;
    component hiEq = IsEqual();
    hiEq.in[0] <== aHi; hiEq.in[1] <== bHi;
    component loLt = LessThan(127);
    loLt.in[0] <== aLo; loLt.in[1] <== bLo;
    signal tie <== hiEq.out * loLt.out;
    out <== hiLt.out + tie;
}

// Recomputes the root from a leaf node and its authentication path.
template MerkleRoot(depth) {
    signal input leaf;
    signal input pathElements[depth];
    signal input pathIndices[depth];
    signal output root;

    component h[depth];
    signal cur[depth + 1];
    signal left[depth];
    cur[0] <== leaf;
    for (var i = 0; i < depth; i++) {
        pathIndices[i] * (1 - pathIndices[i]) === 0;
        // pathIndices[i] = 1: the current node is the right child.
        left[i] <== cur[i] + pathIndices[i] * (pathElements[i] - cur[i]);
        h[i] = Poseidon(2);
        h[i].inputs[0] <== left[i];
        h[i].inputs[1] <== cur[i] + pathElements[i] - left[i];
        cur[i + 1] <== h[i].out;
    }
    root <== cur[depth];
}

// One check of `query` against the set committed as `root`.
template LowLeafCheck(depth) {
    signal input root;
    signal input query;
    signal input lowValue;
    signal input lowNext;
    signal input pathElements[depth];
    signal input pathIndices[depth];
    signal output overlap;

    component node = Poseidon(2);
    node.inputs[0] <== lowValue;
    node.inputs[1] <== lowNext;

    component path = MerkleRoot(depth);
    path.leaf <== node.out;
    for (var i = 0; i < depth; i++) {
        path.pathElements[i] <== pathElements[i];
        path.pathIndices[i] <== pathIndices[i];
    }
    root === path.root;

    component vBits = Num2Bits_strict();
    vBits.in <== lowValue;
    component qBits = Num2Bits_strict();
    qBits.in <== query;
    component nBits = Num2Bits_strict();
    nBits.in <== lowNext;

    component eq = IsEqual();
    eq.in[0] <== lowValue; eq.in[1] <== query;

    component below = BitsLessThan();   // lowValue < query
    component above = BitsLessThan();   // query < lowNext
    for (var i = 0; i < 254; i++) {
        below.a[i] <== vBits.out[i]; below.b[i] <== qBits.out[i];
        above.a[i] <== qBits.out[i]; above.b[i] <== nBits.out[i];
    }
    signal between <== below.out * above.out;
    // Exactly one of: the low leaf is the query (member), or the query falls strictly inside the gap.
    eq.out + between === 1;
    overlap <== eq.out;
}

// k checks against one root in one proof. Public signals: overlap[k], root, query[k].
template BatchCheck(depth, k) {
    signal input root;
    signal input query[k];
    signal input lowValue[k];
    signal input lowNext[k];
    signal input pathElements[k][depth];
    signal input pathIndices[k][depth];
    signal output overlap[k];

    component c[k];
    for (var j = 0; j < k; j++) {
        c[j] = LowLeafCheck(depth);
        c[j].root <== root;
        c[j].query <== query[j];
        c[j].lowValue <== lowValue[j];
        c[j].lowNext <== lowNext[j];
        for (var i = 0; i < depth; i++) {
            c[j].pathElements[i] <== pathElements[j][i];
            c[j].pathIndices[i] <== pathIndices[j][i];
        }
        overlap[j] <== c[j].overlap;
    }
}
