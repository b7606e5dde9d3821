//! How much stack the calling thread has left, so that the YAML parser can run on it when it fits
//! (a parser thread costs more than the rest of a typical run: a cross-CPU wake-up and a join).

/// Bytes between the stack pointer and the end of the calling thread's stack, when the platform
/// says; `None` makes callers take the safe path.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
pub fn remaining() -> Option<usize> {
    let marker = 0u8;
    let here = std::hint::black_box(&marker) as *const u8 as usize;
    // SAFETY: `attr` is initialised by pthread_getattr_np before it is read and destroyed once;
    // pthread_attr_getstack only writes through the two out-pointers, which are valid locals.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return None;
        }
        let mut low: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let got = libc::pthread_attr_getstack(&attr, &mut low, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        if got != 0 || low.is_null() {
            return None;
        }
        // the stack grows down, from `low + size` towards `low`
        here.checked_sub(low as usize).filter(|r| *r <= size)
    }
}

#[cfg(not(target_os = "linux"))]
pub fn remaining() -> Option<usize> {
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_thread_reports_less_than_its_stack_and_more_than_nothing() {
        for size in [256 * 1024, 4 * 1024 * 1024] {
            let left = std::thread::Builder::new()
                .stack_size(size)
                .spawn(super::remaining)
                .unwrap()
                .join()
                .unwrap();
            if cfg!(target_os = "linux") {
                let left = left.expect("linux reports the stack");
                assert!(left < size && left > size / 2, "{left} of {size}");
            }
        }
    }
}
