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
    other_vector_types_use_the_scalar_path();
}

/// Every scorer of the pinned table is the scalar one, and computes.
fn other_vector_types_use_the_scalar_path() {
    let k = simd::active();
    for path in [k.hamming().path(), k.jaccard().path(), k.l2sq_i8().path(), k.ip_i8().path()] {
        assert_eq!(path, "scalar");
    }
    for path in [k.l2sq_f16().path(), k.ip_f16().path(), k.l2sq_bf16().path(), k.ip_bf16().path()] {
        assert_eq!(path, "scalar");
    }
    let (x, y) = ([0b1111_0000u8, 0x01], [0b1010_0000u8, 0x00]);
    assert_eq!(simd::hamming(&x, &y), 3.0);
    assert_eq!(simd::jaccard(&x, &y), 3.0 / 5.0);
    let mut out = [0.0; 2];
    simd::hamming_batch(&x, &[x, y].concat(), 2, &mut out);
    assert_eq!(out, [0.0, 3.0]);
    simd::jaccard_gather(&x, &[x, y].concat(), 2, &[1, 0], &mut out);
    assert_eq!(out, [0.6, 0.0]);

    let q = [1.0f32, -2.0];
    let half: Vec<u16> = [3.0f32, 0.5].iter().map(|&v| simd::f32_to_f16(v)).collect();
    let bhalf: Vec<u16> = [3.0f32, 0.5].iter().map(|&v| simd::f32_to_bf16(v)).collect();
    assert_eq!(simd::l2sq_f16(&q, &half), 4.0 + 6.25);
    assert_eq!(simd::ip_bf16(&q, &bhalf), 2.0);
    simd::ip_f16_batch(&q, &[half.clone(), half.clone()].concat(), 2, &mut out);
    assert_eq!(out, [2.0, 2.0]);
    simd::l2sq_bf16_gather(&q, &bhalf, 2, &[0, 0], &mut out);
    assert_eq!(out, [10.25, 10.25]);

    let (a, b) = ([-128i8, 127, 5], [127i8, -128, 5]);
    assert_eq!(simd::l2sq_i8(&a, &b), 2.0 * 255.0 * 255.0);
    assert_eq!(simd::ip_i8(&a, &b), -2.0 * 128.0 * 127.0 + 25.0);
    simd::l2sq_i8_batch(&a, &[a, b].concat(), 3, &mut out);
    assert_eq!(out, [0.0, 130050.0]);
    simd::ip_i8_gather(&a, &[a, b].concat(), 3, &[0, 1], &mut out);
    assert_eq!(out, [128.0 * 128.0 + 127.0 * 127.0 + 25.0, -32487.0]);
}
