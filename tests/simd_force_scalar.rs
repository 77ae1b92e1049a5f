//! `force_scalar` pins the process-wide kernel choice, so it gets its own test binary.

use veclite::simd;

#[test]
fn force_scalar_before_first_use_selects_scalar() {
    assert!(simd::force_scalar());
    assert_eq!(simd::capabilities(), "scalar");
    assert!(simd::force_scalar(), "forcing again is a no-op that still reports scalar");
    let (a, b) = ([1.0, 2.0, 3.0], [4.0, 6.0, 3.0]);
    assert_eq!(simd::l2sq(&a, &b), 25.0);
    assert_eq!(simd::ip(&a, &b), 25.0);
    let mut out = [0.0; 2];
    simd::l2sq_batch(&a, &[a, b].concat(), 3, &mut out);
    assert_eq!(out, [0.0, 25.0]);
}
