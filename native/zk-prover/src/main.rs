//! trust-zk-prover: Trust Fabric's native Groth16 prover (BN254), a long-lived worker process.
//!
//! It proves the project's circom circuits with the same proving keys snarkjs uses (the committed
//! `<circuit>.zkey`), computing the witness with the circuit's own `<circuit>.wasm` (ark-circom's
//! wasm witness calculator on wasmer). Every proof is checked against the key's verifying key
//! before it is handed back. Proofs and public signals are written in snarkjs' JSON layout, so stock
//! `snarkjs groth16 verify` accepts them with the published `<circuit>.vkey.json`.
//!
//! Protocol: JSON lines. Start:
//!   trust-zk-prover --artifacts <dir> --circuits check,batch4 [--threads N]
//! The process loads each circuit's zkey and wasm once, then prints
//!   {"ready":true,"version":"…","threads":N,"circuits":[{"name","publicSignals","constraints","loadMs"}]}
//! and reads requests from stdin, one per line, answering each on stdout, in order:
//!   {"id":7,"circuit":"check","input":{"root":"…","query":"…",…}}
//!   → {"id":7,"ok":true,"proof":{pi_a,pi_b,pi_c,protocol,curve},"publicSignals":[…],"witnessMs","proveMs","verifyMs"}
//!   → {"id":7,"ok":false,"error":"…"}
//! End of stdin ends the process. Diagnostics go to stderr only.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_circom::{read_zkey, CircomReduction, Wasm, WitnessCalculator};
use ark_ec::AffineRepr;
use ark_ff::{PrimeField, UniformRand};
use ark_groth16::{prepare_verifying_key, Groth16, PreparedVerifyingKey, Proof, ProvingKey};
use ark_relations::utils::matrix::Matrix;
use num_bigint::BigInt;
use num_traits::Num;
use serde_json::{json, Value};
use wasmer::{imports, Function, Instance, Memory, MemoryType, Module, RuntimeError, Store};

struct Circuit {
    name: String,
    pk: ProvingKey<Bn254>,
    pvk: PreparedVerifyingKey<Bn254>,
    matrices: Vec<Matrix<Fr>>,
    num_inputs: usize,
    num_constraints: usize,
    store: Store,
    module: Module,
    wtns: WitnessCalculator,
}

fn load(dir: &Path, name: &str) -> Result<Circuit, String> {
    let zkey_path = dir.join(format!("{name}.zkey"));
    let wasm_path = dir.join(format!("{name}.wasm"));
    let mut file = BufReader::new(File::open(&zkey_path).map_err(|e| format!("{}: {e}", zkey_path.display()))?);
    let (pk, index) = read_zkey(&mut file).map_err(|e| format!("{}: not a Groth16 zkey: {e}", zkey_path.display()))?;
    let pvk = prepare_verifying_key(&pk.vk);
    let mut store = Store::default();
    let bytes = std::fs::read(&wasm_path).map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    let module = Module::new(&store, bytes).map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    let wtns = instantiate(&mut store, &module).map_err(|e| format!("{}: {e}", wasm_path.display()))?;
    Ok(Circuit {
        name: name.to_string(),
        pk,
        pvk,
        num_inputs: index.num_instance_variables,
        num_constraints: index.num_constraints,
        matrices: vec![index.a, index.b, index.c],
        store,
        module,
        wtns,
    })
}

/// The messages of circom's runtime exceptions, as snarkjs' witness calculator words them.
fn exception(code: i32) -> RuntimeError {
    let what = match code {
        1 => "Signal not found",
        2 => "Too many signals set",
        3 => "Signal already set",
        4 => "Assert Failed",
        5 => "Not enough memory",
        6 => "Input signal array access exceeds the size",
        _ => "Unknown error",
    };
    RuntimeError::new(format!("{what} (circom exception {code})"))
}

/// The circuit's wasm witness generator, instantiated as ark-circom does but with circom's exception
/// handler trapping (ark-circom's ignores exceptions, so a failed `assert` would go unnoticed until the
/// proof fails to verify) and nothing printed on stdout (it carries the protocol).
fn instantiate(store: &mut Store, module: &Module) -> Result<WitnessCalculator, String> {
    let memory = Memory::new(store, MemoryType::new(2000, None, false)).map_err(|e| e.to_string())?;
    let import_object = imports! {
        "env" => { "memory" => memory },
        "runtime" => {
            "error" => Function::new_typed(store, |code: i32, _b: i32, _c: i32, _d: i32, _e: i32, _f: i32| -> Result<(), RuntimeError> {
                Err(RuntimeError::new(format!("circom runtime error {code}")))
            }),
            "exceptionHandler" => Function::new_typed(store, |code: i32| -> Result<(), RuntimeError> { Err(exception(code)) }),
            "logSetSignal" => Function::new_typed(store, |_a: i32, _b: i32| {}),
            "logGetSignal" => Function::new_typed(store, |_a: i32, _b: i32| {}),
            "logFinishComponent" => Function::new_typed(store, |_a: i32| {}),
            "logStartComponent" => Function::new_typed(store, |_a: i32| {}),
            "log" => Function::new_typed(store, |_a: i32| {}),
            "showSharedRWMemory" => Function::new_typed(store, || {}),
            "printErrorMessage" => Function::new_typed(store, || {}),
            "writeBufferMessage" => Function::new_typed(store, || {}),
        }
    };
    let instance = Instance::new(store, module, &import_object).map_err(|e| e.to_string())?;
    WitnessCalculator::new_from_wasm(store, Wasm::new(instance)).map_err(|e| e.to_string())
}

/// snarkjs accepts decimal strings, 0x-hex strings, numbers, booleans and nested arrays (flattened in order).
fn flatten(v: &Value, out: &mut Vec<BigInt>) -> Result<(), String> {
    match v {
        Value::Array(items) => {
            for item in items {
                flatten(item, out)?;
            }
            Ok(())
        }
        Value::String(s) => {
            let t = s.trim();
            let (neg, t) = match t.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, t),
            };
            let parsed = if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                BigInt::from_str_radix(hex, 16)
            } else {
                BigInt::from_str_radix(t, 10)
            };
            let n = parsed.map_err(|_| format!("not an integer: {s:?}"))?;
            out.push(if neg { -n } else { n });
            Ok(())
        }
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push(BigInt::from(i));
                Ok(())
            } else if let Some(u) = n.as_u64() {
                out.push(BigInt::from(u));
                Ok(())
            } else {
                Err(format!("not an integer: {n}"))
            }
        }
        Value::Bool(b) => {
            out.push(BigInt::from(*b as u8));
            Ok(())
        }
        _ => Err(format!("unsupported input value: {v}")),
    }
}

fn dec<F: PrimeField>(f: &F) -> String {
    let b: num_bigint::BigUint = (*f).into();
    b.to_str_radix(10)
}

fn g1(p: &G1Affine) -> Value {
    let (x, y) = p.xy().unwrap_or((Fq::from(0u8), Fq::from(1u8)));
    let z = if p.is_zero() { "0" } else { "1" };
    json!([dec(&x), dec(&y), z])
}

fn fq2(f: &Fq2) -> Value {
    json!([dec(&f.c0), dec(&f.c1)])
}

fn g2(p: &G2Affine) -> Value {
    let (x, y) = p.xy().unwrap_or((Fq2::from(0u8), Fq2::from(1u8)));
    let z = if p.is_zero() { json!(["0", "0"]) } else { json!(["1", "0"]) };
    json!([fq2(&x), fq2(&y), z])
}

fn proof_json(p: &Proof<Bn254>) -> Value {
    json!({ "pi_a": g1(&p.a), "pi_b": g2(&p.b), "pi_c": g1(&p.c), "protocol": "groth16", "curve": "bn128" })
}

fn ms(t: Instant) -> f64 {
    (t.elapsed().as_secs_f64() * 1e6).round() / 1e3
}

fn prove(c: &mut Circuit, input: &serde_json::Map<String, Value>) -> Result<Value, String> {
    // Values are taken modulo the field's prime, as snarkjs' witness calculator does (a value of 255+
    // bits would otherwise overflow ark-circom's eight 32-bit limbs and panic).
    let prime = BigInt::from_biguint(num_bigint::Sign::Plus, Fr::MODULUS.into());
    let mut signals: Vec<(String, Vec<BigInt>)> = Vec::with_capacity(input.len());
    for (k, v) in input {
        let mut vals = Vec::new();
        flatten(v, &mut vals).map_err(|e| format!("input {k}: {e}"))?;
        let vals = vals.into_iter().map(|x| ((x % &prime) + &prime) % &prime).collect();
        signals.push((k.clone(), vals));
    }
    let t0 = Instant::now();
    let assignment = match c.wtns.calculate_witness_element::<Fr, _>(&mut c.store, signals, true) {
        Ok(a) => a,
        Err(e) => {
            // A trapped instance is not reused: the next request gets a fresh one.
            if let Ok(w) = instantiate(&mut c.store, &c.module) {
                c.wtns = w;
            }
            return Err(format!("witness: {}", first_line(&e.to_string())));
        }
    };
    let witness_ms = ms(t0);
    if assignment.len() < c.num_inputs {
        return Err(format!("witness has {} signals, the key needs at least {}", assignment.len(), c.num_inputs));
    }
    let t1 = Instant::now();
    let mut rng = rand::thread_rng();
    let r = Fr::rand(&mut rng);
    let s = Fr::rand(&mut rng);
    let proof = Groth16::<Bn254, CircomReduction>::create_proof_with_reduction_and_matrices(
        &c.pk,
        r,
        s,
        &c.matrices,
        c.num_inputs,
        c.num_constraints,
        &assignment,
    )
    .map_err(|e| format!("prove: {e}"))?;
    let prove_ms = ms(t1);
    let public = &assignment[1..c.num_inputs];
    let t2 = Instant::now();
    let ok = Groth16::<Bn254>::verify_proof(&c.pvk, &proof, public).map_err(|e| format!("verify: {e}"))?;
    let verify_ms = ms(t2);
    if !ok {
        // An unsatisfied witness (an input the circuit rejects) gives a proof that does not verify.
        return Err("the input does not satisfy the circuit (the proof did not verify against the key)".into());
    }
    Ok(json!({
        "ok": true,
        "proof": proof_json(&proof),
        "publicSignals": public.iter().map(dec).collect::<Vec<_>>(),
        "witnessMs": witness_ms,
        "proveMs": prove_ms,
        "verifyMs": verify_ms,
    }))
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").chars().take(300).collect()
}

struct Args {
    artifacts: PathBuf,
    circuits: Vec<String>,
    threads: Option<usize>,
}

fn args() -> Result<Args, String> {
    let mut artifacts = None;
    let mut circuits = vec!["check".to_string(), "batch4".to_string()];
    let mut threads = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--artifacts" => artifacts = it.next().map(PathBuf::from),
            "--circuits" => {
                circuits = it.next().unwrap_or_default().split(',').filter(|s| !s.is_empty()).map(String::from).collect()
            }
            "--threads" => threads = Some(it.next().and_then(|t| t.parse().ok()).ok_or("--threads takes a number")?),
            "--version" => {
                println!("trust-zk-prover {}", env!("CARGO_PKG_VERSION"));
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let artifacts = artifacts.ok_or("usage: trust-zk-prover --artifacts <dir> [--circuits check,batch4] [--threads N]")?;
    Ok(Args { artifacts, circuits, threads })
}

fn main() {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("trust-zk-prover: {e}");
            std::process::exit(2);
        }
    };
    if let Some(n) = a.threads {
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global();
    }
    let mut circuits: HashMap<String, Circuit> = HashMap::new();
    let mut described = Vec::new();
    for name in &a.circuits {
        let t = Instant::now();
        match load(&a.artifacts, name) {
            Ok(c) => {
                described.push(json!({ "name": c.name, "publicSignals": c.num_inputs - 1, "constraints": c.num_constraints, "loadMs": ms(t) }));
                circuits.insert(name.clone(), c);
            }
            Err(e) => {
                eprintln!("trust-zk-prover: cannot load circuit {name}: {e}");
                std::process::exit(3);
            }
        }
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let ready = json!({ "ready": true, "version": env!("CARGO_PKG_VERSION"), "threads": rayon::current_num_threads(), "circuits": described });
    if writeln!(out, "{ready}").and_then(|_| out.flush()).is_err() {
        return;
    }
    let stdin = io::stdin();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let reply = match serde_json::from_str::<Value>(&line) {
            Err(e) => json!({ "id": Value::Null, "ok": false, "error": format!("not a JSON request: {e}") }),
            Ok(req) => {
                let id = req.get("id").cloned().unwrap_or(Value::Null);
                let circuit = req.get("circuit").and_then(Value::as_str).unwrap_or("");
                let mut reply = match (circuits.get_mut(circuit), req.get("input").and_then(Value::as_object)) {
                    (None, _) => json!({ "ok": false, "error": format!("unknown circuit {circuit:?} (loaded: {})", a.circuits.join(", ")) }),
                    (_, None) => json!({ "ok": false, "error": "input must be a JSON object of signal names" }),
                    (Some(c), Some(input)) => match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| prove(c, input))) {
                        Ok(answer) => answer.unwrap_or_else(|e| json!({ "ok": false, "error": e })),
                        Err(panic) => {
                            // A bug, not the caller's input: answered as an error, and the witness
                            // calculator is made afresh so the next request starts clean.
                            if let Ok(w) = instantiate(&mut c.store, &c.module) {
                                c.wtns = w;
                            }
                            let what = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
                            json!({ "ok": false, "error": format!("internal error (panic): {}", first_line(&what)) })
                        }
                    },
                };
                reply["id"] = id;
                reply
            }
        };
        if writeln!(out, "{reply}").and_then(|_| out.flush()).is_err() {
            break;
        }
    }
}
