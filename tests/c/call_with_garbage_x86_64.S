/* Test helpers for bool_abi.c (x86-64 System V only).
 *
 * uint64_t ovrnet_test_call_with_garbage(const void *fn, uint64_t a0, uint64_t a1, uint64_t a2,
 *                                        uint64_t a3)
 *   Calls fn(a0, a1, a2, a3) with RAX loaded with a garbage pattern first, and returns RAX exactly as
 *   fn left it. A callee that writes only AL for a bool result leaves the pattern's upper bits
 *   behind, which is what a C# caller reading 32 bits would see.
 *
 * ovrnet_test_sloppy_false / ovrnet_test_sloppy_true
 *   Deliberately bad "bool" functions that only write AL; the harness must catch them.
 */
    .text

    .globl  ovrnet_test_call_with_garbage
    .type   ovrnet_test_call_with_garbage, @function
ovrnet_test_call_with_garbage:
    pushq   %rbp                    /* keeps the stack 16-byte aligned at the inner call */
    movq    %rsp, %rbp
    movq    %rdi, %r11              /* function to call */
    movq    %rsi, %rdi              /* shift the four arguments into place */
    movq    %rdx, %rsi
    movq    %rcx, %rdx
    movq    %r8, %rcx
    movabsq $0xDEADBEEFDEADBE00, %rax
    call    *%r11
    popq    %rbp
    ret
    .size   ovrnet_test_call_with_garbage, .-ovrnet_test_call_with_garbage

    .globl  ovrnet_test_sloppy_false
    .type   ovrnet_test_sloppy_false, @function
ovrnet_test_sloppy_false:
    movb    $0, %al
    ret
    .size   ovrnet_test_sloppy_false, .-ovrnet_test_sloppy_false

    .globl  ovrnet_test_sloppy_true
    .type   ovrnet_test_sloppy_true, @function
ovrnet_test_sloppy_true:
    movb    $1, %al
    ret
    .size   ovrnet_test_sloppy_true, .-ovrnet_test_sloppy_true

    .section .note.GNU-stack,"",@progbits
