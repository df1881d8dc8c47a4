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

// ARGS loads the arguments k, a, rs, ps, aj, b, bs, bj and t of a strided
// kernel into CX, SI, R8, R10, R12, DI, R11, R13 and DX, with the strides
// in bytes, and R9 = 3·rs. The count of runs stays in its argument slot,
// counted down there.
#define ARGS \
	MOVQ k+0(FP), CX;    \
	MOVQ a+16(FP), SI;   \
	MOVQ rs+24(FP), R8;  \
	MOVQ ps+32(FP), R10; \
	MOVQ aj+40(FP), R12; \
	MOVQ b+48(FP), DI;   \
	MOVQ bs+56(FP), R11; \
	MOVQ bj+64(FP), R13; \
	MOVQ t+72(FP), DX;   \
	SHLQ $3, R8;         \
	SHLQ $3, R10;        \
	SHLQ $3, R11;        \
	SHLQ $3, R12;        \
	SHLQ $3, R13;        \
	LEAQ (R8)(R8*2), R9

// ADD_TILE adds the tile Y0 … Y7 to the 4×8 block of c at DX, rows R12
// bytes apart, using AX.
#define ADD_TILE \
	VADDPD  0(DX), Y0, Y0;        \
	VMOVUPD Y0, 0(DX);            \
	VADDPD  32(DX), Y1, Y1;       \
	VMOVUPD Y1, 32(DX);           \
	VADDPD  0(DX)(R12*1), Y2, Y2; \
	VMOVUPD Y2, 0(DX)(R12*1);     \
	VADDPD  32(DX)(R12*1), Y3, Y3; \
	VMOVUPD Y3, 32(DX)(R12*1);    \
	LEAQ    (DX)(R12*2), AX;      \
	VADDPD  0(AX), Y4, Y4;        \
	VMOVUPD Y4, 0(AX);            \
	VADDPD  32(AX), Y5, Y5;       \
	VMOVUPD Y5, 32(AX);           \
	VADDPD  0(AX)(R12*1), Y6, Y6; \
	VMOVUPD Y6, 0(AX)(R12*1);     \
	VADDPD  32(AX)(R12*1), Y7, Y7; \
	VMOVUPD Y7, 32(AX)(R12*1)

#define ZERO_TILE \
	VXORPD Y0, Y0, Y0; \
	VXORPD Y1, Y1, Y1; \
	VXORPD Y2, Y2, Y2; \
	VXORPD Y3, Y3, Y3; \
	VXORPD Y4, Y4, Y4; \
	VXORPD Y5, Y5, Y5; \
	VXORPD Y6, Y6, Y6; \
	VXORPD Y7, Y7, Y7

// ADD_ARGS loads the arguments k, a, rs, ps, b, bj, c, ldc and cj of an
// adding kernel into CX, BX, R8, R10, R14, R13, DX, R12 and R11, the
// strides in bytes, and R9 = 3·rs.
#define ADD_ARGS \
	MOVQ k+0(FP), CX;    \
	MOVQ a+16(FP), BX;   \
	MOVQ rs+24(FP), R8;  \
	MOVQ ps+32(FP), R10; \
	MOVQ b+40(FP), R14;  \
	MOVQ bj+48(FP), R13; \
	MOVQ c+56(FP), DX;   \
	MOVQ ldc+64(FP), R12; \
	MOVQ cj+72(FP), R11; \
	SHLQ $3, R8;         \
	SHLQ $3, R10;        \
	SHLQ $3, R11;        \
	SHLQ $3, R12;        \
	SHLQ $3, R13;        \
	LEAQ (R8)(R8*2), R9

// MULADD_STEP is one step of a kernel: the 8 values of b at DI, and the
// 4 values of a at SI, SI+rs, SI+2·rs and SI+3·rs (R8 = rs, R9 = 3·rs, in
// bytes), each broadcast to four lanes, multiplied and added to the tile
// Y0 … Y7 (row i in Y(2i), Y(2i+1)), each product rounded before it is
// added. Y8 … Y15 are scratch. FMA_STEP is the same with each product
// fused into its sum.
#define MULADD_STEP \
	VMOVUPD      0(DI), Y8;        \
	VMOVUPD      32(DI), Y9;       \
	VBROADCASTSD (SI), Y10;        \
	VMULPD       Y8, Y10, Y11;     \
	VADDPD       Y11, Y0, Y0;      \
	VMULPD       Y9, Y10, Y12;     \
	VADDPD       Y12, Y1, Y1;      \
	VBROADCASTSD (SI)(R8*1), Y13;  \
	VMULPD       Y8, Y13, Y14;     \
	VADDPD       Y14, Y2, Y2;      \
	VMULPD       Y9, Y13, Y15;     \
	VADDPD       Y15, Y3, Y3;      \
	VBROADCASTSD (SI)(R8*2), Y10;  \
	VMULPD       Y8, Y10, Y11;     \
	VADDPD       Y11, Y4, Y4;      \
	VMULPD       Y9, Y10, Y12;     \
	VADDPD       Y12, Y5, Y5;      \
	VBROADCASTSD (SI)(R9*1), Y13;  \
	VMULPD       Y8, Y13, Y14;     \
	VADDPD       Y14, Y6, Y6;      \
	VMULPD       Y9, Y13, Y15;     \
	VADDPD       Y15, Y7, Y7

#define FMA_STEP \
	VMOVUPD      0(DI), Y8;        \
	VMOVUPD      32(DI), Y9;       \
	VBROADCASTSD (SI), Y10;        \
	VFMADD231PD  Y8, Y10, Y0;      \
	VFMADD231PD  Y9, Y10, Y1;      \
	VBROADCASTSD (SI)(R8*1), Y11;  \
	VFMADD231PD  Y8, Y11, Y2;      \
	VFMADD231PD  Y9, Y11, Y3;      \
	VBROADCASTSD (SI)(R8*2), Y12;  \
	VFMADD231PD  Y8, Y12, Y4;      \
	VFMADD231PD  Y9, Y12, Y5;      \
	VBROADCASTSD (SI)(R9*1), Y13;  \
	VFMADD231PD  Y8, Y13, Y6;      \
	VFMADD231PD  Y9, Y13, Y7

// func stridedAVX(k, runs int, a *float64, rs, ps, aj int, b *float64, bs, bj int, t *Tile)
//
// Strided (kernel.go), with 256-bit AVX registers of four float64 each.
// Row i of the tile reads a[i*rs + r*aj + p*ps] at step p of run r, and
// b[r*bj + p*bs : … + 8]: packed micro-panels are one run with rs = 1,
// ps = 4 and bs = 8. Register use:
//
//	Y0 Y1    row 0 of the tile (columns 0-3, 4-7)
//	Y2 Y3    row 1
//	Y4 Y5    row 2
//	Y6 Y7    row 3
//	Y8 Y9    the 8 values of b for this step
//	Y10 Y13  the value of a for row i, broadcast to four lanes
//	Y11 Y12 Y14 Y15  products, added to the tile
//	SI, DI   a + r*aj + p*ps and b + r*bj + p*bs, with R8 = rs, R9 = 3·rs,
//	         R10 = ps and R11 = bs in bytes
//	BX, R14  where the run started in a and b; R12, R13 = aj, bj in bytes
//	AX       steps left in the run; runs+8(FP) runs left
//
// Each step p does 8 multiplies and 8 adds of 4 lanes: 64 flops. The
// multiply and the add are separate instructions, not one FMA, so each
// product is rounded before it is added, as in the plain loop.
TEXT ·stridedAVX(SB), NOSPLIT, $0-80
	ARGS
	LOAD_TILE

run:
	MOVQ SI, BX
	MOVQ DI, R14
	MOVQ CX, AX

step:
	MULADD_STEP
	ADDQ         R10, SI
	ADDQ         R11, DI
	DECQ         AX
	JNZ          step

	LEAQ (BX)(R12*1), SI
	LEAQ (R14)(R13*1), DI
	DECQ runs+8(FP)
	JNZ  run

	STORE_TILE
	VZEROUPPER
	RET

// func stridedFMA(k, runs int, a *float64, rs, ps, aj int, b *float64, bs, bj int, t *Tile)
//
// stridedAVX with each product fused into its sum (VFMADD231PD, rounded
// once), as the SIMD build's packedFMA (packed_simd.go) does: the SIMD
// build reads a in place with it, and gets that kernel's bits.
TEXT ·stridedFMA(SB), NOSPLIT, $0-80
	ARGS
	LOAD_TILE

fusedrun:
	MOVQ SI, BX
	MOVQ DI, R14
	MOVQ CX, AX

fused:
	FMA_STEP
	ADDQ         R10, SI
	ADDQ         R11, DI
	DECQ         AX
	JNZ          fused

	LEAQ (BX)(R12*1), SI
	LEAQ (R14)(R13*1), DI
	DECQ runs+8(FP)
	JNZ  fusedrun

	STORE_TILE
	VZEROUPPER
	RET

// func addProductsAVX(k, runs int, a *float64, rs, ps int, b *float64, bj int, c *float64, ldc, cj int)
//
// AddProducts (kernel.go): for each run r, the tile of the products of the
// 4 rows of a (the same for every run) and the packed micro-panel at
// b + r·bj, summed from zero over k steps as in stridedAVX, then added to
// the 4×8 block of c at c + r·cj. BX and R14 hold a and the run's b, DX
// the run's block of c; the other registers are those of stridedAVX.
TEXT ·addProductsAVX(SB), NOSPLIT, $0-80
	ADD_ARGS

addrun:
	ZERO_TILE
	MOVQ BX, SI
	MOVQ R14, DI
	MOVQ CX, AX

addstep:
	MULADD_STEP
	ADDQ         R10, SI
	ADDQ         $64, DI
	DECQ         AX
	JNZ          addstep

	ADD_TILE
	ADDQ R13, R14
	ADDQ R11, DX
	DECQ runs+8(FP)
	JNZ  addrun
	VZEROUPPER
	RET

// func addProductsFMA(k, runs int, a *float64, rs, ps int, b *float64, bj int, c *float64, ldc, cj int)
//
// addProductsAVX with each product fused into its sum, for the SIMD build.
TEXT ·addProductsFMA(SB), NOSPLIT, $0-80
	ADD_ARGS

faddrun:
	ZERO_TILE
	MOVQ BX, SI
	MOVQ R14, DI
	MOVQ CX, AX

faddstep:
	FMA_STEP
	ADDQ         R10, SI
	ADDQ         $64, DI
	DECQ         AX
	JNZ          faddstep

	ADD_TILE
	ADDQ R13, R14
	ADDQ R11, DX
	DECQ runs+8(FP)
	JNZ  faddrun
	VZEROUPPER
	RET

// func storeAVX(c *float64, ldc int, alpha float64, t *Tile, beta float64)
//
// Store for a whole 4×8 tile: c[i*ldc+j] = alpha·t[i*8+j] + beta·c[i*ldc+j],
// each product rounded before the sum as in the plain loop, and c not read when
// beta is 0.
TEXT ·storeAVX(SB), NOSPLIT, $0-40
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
