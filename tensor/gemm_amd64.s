//go:build !purego

#include "textflag.h"

// LOAD_TILE and STORE_TILE move the 4×8 register tile, Y0 … Y7, from and
// to t (DX), row after row.
#define LOAD_TILE \
	VMOVUPD 0(DX), Y0;   \
	VMOVUPD 32(DX), Y1;  \
	VMOVUPD 64(DX), Y2;  \
	VMOVUPD 96(DX), Y3;  \
	VMOVUPD 128(DX), Y4; \
	VMOVUPD 160(DX), Y5; \
	VMOVUPD 192(DX), Y6; \
	VMOVUPD 224(DX), Y7

#define STORE_TILE \
	VMOVUPD Y0, 0(DX);   \
	VMOVUPD Y1, 32(DX);  \
	VMOVUPD Y2, 64(DX);  \
	VMOVUPD Y3, 96(DX);  \
	VMOVUPD Y4, 128(DX); \
	VMOVUPD Y5, 160(DX); \
	VMOVUPD Y6, 192(DX); \
	VMOVUPD Y7, 224(DX)

// STRIDES loads the arguments k, a, rs, ps, b and t of a kernel into CX,
// SI, R8, R10, DI and DX, with rs and ps in bytes, and R9 = 3·rs.
#define STRIDES \
	MOVQ k+0(FP), CX;    \
	MOVQ a+8(FP), SI;    \
	MOVQ rs+16(FP), R8;  \
	MOVQ ps+24(FP), R10; \
	MOVQ b+32(FP), DI;   \
	MOVQ t+40(FP), DX;   \
	SHLQ $3, R8;         \
	SHLQ $3, R10;        \
	LEAQ (R8)(R8*2), R9

// func microKernelAVX(k int, a *float64, rs, ps int, b *float64, t *[32]float64)
//
// The 4×8 register tile of microKernel (gemm_kernel.go), with 256-bit AVX
// registers of four float64 each. Row i of the tile reads a[i*rs + p*ps]
// at step p: a packed micro-panel of a is rs = 1, ps = 4, and Gemm reads
// an unpacked a in place with its own strides (kernelInPlace). Register
// use:
//
//	Y0 Y1    row 0 of the tile (columns 0-3, 4-7)
//	Y2 Y3    row 1
//	Y4 Y5    row 2
//	Y6 Y7    row 3
//	Y8 Y9    b[p*8 : p*8+8], the 8 values of the B micro-panel for this p
//	Y10 Y13  the value of a for row i, broadcast to four lanes
//	Y11 Y12 Y14 Y15  products, added to the tile
//	SI       a + p*ps, with R8 = rs, R9 = 3·rs and R10 = ps in bytes
//
// Each step p does 8 multiplies and 8 adds of 4 lanes: 64 flops. The
// multiply and the add are separate instructions, not one FMA, so each
// product is rounded before it is added, as in gemmRef.
TEXT ·microKernelAVX(SB), NOSPLIT, $0-48
	STRIDES
	LOAD_TILE

loop:
	VMOVUPD      0(DI), Y8
	VMOVUPD      32(DI), Y9
	VBROADCASTSD (SI), Y10
	VMULPD       Y8, Y10, Y11
	VADDPD       Y11, Y0, Y0
	VMULPD       Y9, Y10, Y12
	VADDPD       Y12, Y1, Y1
	VBROADCASTSD (SI)(R8*1), Y13
	VMULPD       Y8, Y13, Y14
	VADDPD       Y14, Y2, Y2
	VMULPD       Y9, Y13, Y15
	VADDPD       Y15, Y3, Y3
	VBROADCASTSD (SI)(R8*2), Y10
	VMULPD       Y8, Y10, Y11
	VADDPD       Y11, Y4, Y4
	VMULPD       Y9, Y10, Y12
	VADDPD       Y12, Y5, Y5
	VBROADCASTSD (SI)(R9*1), Y13
	VMULPD       Y8, Y13, Y14
	VADDPD       Y14, Y6, Y6
	VMULPD       Y9, Y13, Y15
	VADDPD       Y15, Y7, Y7
	ADDQ         R10, SI
	ADDQ         $64, DI
	DECQ         CX
	JNZ          loop

	STORE_TILE
	VZEROUPPER
	RET

// func microKernelStridedFMA(k int, a *float64, rs, ps int, b *float64, t *[32]float64)
//
// microKernelAVX with each product fused into its sum (VFMADD231PD,
// rounded once), as the SIMD build's microKernelFMA (gemm_simd.go) does:
// the SIMD build reads a in place with it, and gets that kernel's bits.
TEXT ·microKernelStridedFMA(SB), NOSPLIT, $0-48
	STRIDES
	LOAD_TILE

fused:
	VMOVUPD      0(DI), Y8
	VMOVUPD      32(DI), Y9
	VBROADCASTSD (SI), Y10
	VFMADD231PD  Y8, Y10, Y0
	VFMADD231PD  Y9, Y10, Y1
	VBROADCASTSD (SI)(R8*1), Y11
	VFMADD231PD  Y8, Y11, Y2
	VFMADD231PD  Y9, Y11, Y3
	VBROADCASTSD (SI)(R8*2), Y12
	VFMADD231PD  Y8, Y12, Y4
	VFMADD231PD  Y9, Y12, Y5
	VBROADCASTSD (SI)(R9*1), Y13
	VFMADD231PD  Y8, Y13, Y6
	VFMADD231PD  Y9, Y13, Y7
	ADDQ         R10, SI
	ADDQ         $64, DI
	DECQ         CX
	JNZ          fused

	STORE_TILE
	VZEROUPPER
	RET

// func storeTileAVX(c *float64, ldc int, alpha float64, t *[32]float64, beta float64)
//
// storeTile for a whole 4×8 tile: c[i*ldc+j] = alpha·t[i*8+j] + beta·c[i*ldc+j],
// each product rounded before the sum as in gemmRef, and c not read when
// beta is 0.
TEXT ·storeTileAVX(SB), NOSPLIT, $0-40
	MOVQ         c+0(FP), DI
	MOVQ         ldc+8(FP), BX
	SHLQ         $3, BX             // row stride in bytes
	VBROADCASTSD alpha+16(FP), Y14
	MOVQ         t+24(FP), SI
	VBROADCASTSD beta+32(FP), Y15
	MOVQ         beta+32(FP), AX
	SHLQ         $1, AX             // the bits of |beta|: zero for 0 and −0
	MOVQ         $4, CX

row:
	VMULPD  0(SI), Y14, Y0
	VMULPD  32(SI), Y14, Y1
	TESTQ   AX, AX
	JZ      store
	VMULPD  0(DI), Y15, Y2
	VMULPD  32(DI), Y15, Y3
	VADDPD  Y2, Y0, Y0
	VADDPD  Y3, Y1, Y1

store:
	VMOVUPD Y0, 0(DI)
	VMOVUPD Y1, 32(DI)
	ADDQ    $64, SI
	ADDQ    BX, DI
	DECQ    CX
	JNZ     row
	VZEROUPPER
	RET

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET
