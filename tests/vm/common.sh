# shellcheck shell=bash
# Shared by the scripts in tests/vm (sourced, not run).

# The Debian kernels the VM tests boot, by release (the package is linux-image-RELEASE).
# shellcheck disable=SC2034  # used by the scripts that source this file
TPGEN_VM_KERNELS=(6.1.0-56-amd64 6.12.117+deb12-amd64)

# Where kernels and initramfs images are cached.
tpgen_vm_cache() {
    local home="${HOME:-}"
    [ -n "$home" ] || home="$(getent passwd "$(id -u)" | cut -d: -f6)"
    printf '%s\n' "${TPGEN_VM_CACHE:-$home/.cache/tpgen/vm}"
}

# Succeeds when the kernel RELEASE is unpacked in CACHE with a modules.dep.
tpgen_vm_kernel_ready() {
    local cache="$1" release="$2"
    [ -f "$cache/kernels/$release/boot/vmlinuz-$release" ] &&
        [ -f "$cache/kernels/$release/lib/modules/$release/modules.dep" ]
}
