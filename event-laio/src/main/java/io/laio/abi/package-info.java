/*
 * Copyright 2026 the laio authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/**
 * The Linux ABI that laio's system calls speak, for applications to import instead of
 * re-declaring: flag constants ({@link io.laio.abi.OpenFlags O_*}, {@link io.laio.abi.AtFlags AT_*},
 * {@link io.laio.abi.MsgFlags MSG_*}, {@link io.laio.abi.RwfFlags RWF_*},
 * {@link io.laio.abi.SeekWhence SEEK_*}, {@code POLL*} in {@link io.laio.abi.PollfdLayout},
 * {@code RESOLVE_*} in {@link io.laio.abi.OpenHowLayout}, {@code STATX_*} in
 * {@link io.laio.abi.StatxLayout}) with the running architecture's values
 * ({@link io.laio.abi.Arch}), and {@link java.lang.foreign.StructLayout}s of the structs the
 * calls take, each with the accessors laio itself uses.
 *
 * <p>Values are those of 64-bit Linux on x86_64 and on aarch64 (and the other architectures of
 * the kernel's generic table); where the two differ the constant says so and holds the running
 * one's. Nothing here calls the kernel.
 */
package io.laio.abi;
