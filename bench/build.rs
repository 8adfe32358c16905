//! Compiles the ENet shim (bench/c/enet_shim.c) with gcc into a static library and links it with
//! the system ENet (Debian package libenet-dev).
use std::process::Command;

fn main() {
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    let obj = format!("{out}/enet_shim.o");
    let lib = format!("{out}/libenet_shim.a");
    println!("cargo:rerun-if-changed=c/enet_shim.c");
    let ok = Command::new("gcc")
        .args(["-O2", "-fPIC", "-c", "c/enet_shim.c", "-o", &obj])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "gcc failed to compile c/enet_shim.c (is libenet-dev installed? apt-get install libenet-dev)"
    );
    let ok = Command::new("ar").args(["crs", &lib, &obj]).status().is_ok_and(|s| s.success());
    assert!(ok, "ar failed");
    println!("cargo:rustc-link-search=native={out}");
    println!("cargo:rustc-link-lib=static=enet_shim");
    println!("cargo:rustc-link-lib=dylib=enet");
}
