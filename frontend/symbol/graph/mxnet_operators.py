"""The operator names Apache MXNet 1.9.1 registers (captured from
`mx.operator.get_all_registered_operators()`): the export writes only these."""

MXNET_OPERATORS = frozenset("""
    Activation BatchNorm BatchNorm_v1 BilinearSampler BlockGrad CTCLoss Cast Concat
    Convolution Convolution_v1 Correlation Crop Custom Deconvolution Dropout ElementWiseSum
    Embedding Flatten FullyConnected GridGenerator GroupNorm IdentityAttachKLSparseReg
    InstanceNorm L2Normalization LRN LayerNorm LeakyReLU LinearRegressionOutput
    LogisticRegressionOutput MAERegressionOutput MakeLoss Pad Pooling Pooling_v1 RNN
    ROIPooling Reshape SVMOutput SequenceLast SequenceMask SequenceReverse SliceChannel
    Softmax SoftmaxActivation SoftmaxOutput SpatialTransformer SwapAxis UpSampling _CachedOp
    _CachedOpThreadSafe _CrossDeviceCopy _CustomFunction _Div _DivScalar _Equal _EqualScalar
    _Greater _GreaterEqualScalar _GreaterScalar _Greater_Equal _Hypot _HypotScalar _Lesser
    _LesserEqualScalar _LesserScalar _Lesser_Equal _LogicalAndScalar _LogicalOrScalar
    _LogicalXorScalar _Logical_And _Logical_Or _Logical_Xor _Maximum _MaximumScalar _Minimum
    _MinimumScalar _Minus _MinusScalar _Mod _ModScalar _Mul _MulScalar _NDArray _Native
    _NoGradient _NotEqualScalar _Not_Equal _Plus _PlusScalar _Power _PowerScalar _RDivScalar
    _RMinusScalar _RModScalar _RPowerScalar _adamw_update _add _arange _backward_Activation
    _backward_BatchNorm _backward_BatchNorm_v1 _backward_BilinearSampler _backward_CachedOp
    _backward_Concat _backward_Convolution _backward_Convolution_v1 _backward_Correlation
    _backward_Crop _backward_Custom _backward_CustomFunction _backward_Deconvolution
    _backward_Dropout _backward_Embedding _backward_FullyConnected _backward_GridGenerator
    _backward_GroupNorm _backward_IdentityAttachKLSparseReg _backward_InstanceNorm
    _backward_L2Normalization _backward_LRN _backward_LayerNorm _backward_LeakyReLU
    _backward_MakeLoss _backward_Pad _backward_Pooling _backward_Pooling_v1 _backward_RNN
    _backward_ROIAlign _backward_ROIPooling _backward_RROIAlign _backward_SVMOutput
    _backward_SequenceLast _backward_SequenceMask _backward_SequenceReverse
    _backward_SliceChannel _backward_SoftmaxActivation _backward_SoftmaxOutput
    _backward_SparseEmbedding _backward_SpatialTransformer _backward_SwapAxis
    _backward_UpSampling _backward__CrossDeviceCopy _backward__NDArray _backward__Native
    _backward__contrib_DeformableConvolution _backward__contrib_DeformablePSROIPooling
    _backward__contrib_ModulatedDeformableConvolution _backward__contrib_MultiBoxDetection
    _backward__contrib_MultiBoxPrior _backward__contrib_MultiBoxTarget
    _backward__contrib_MultiProposal _backward__contrib_PSROIPooling
    _backward__contrib_Proposal _backward__contrib_SyncBatchNorm
    _backward__contrib_count_sketch _backward__contrib_fft _backward__contrib_ifft
    _backward_abs _backward_add _backward_amp_cast _backward_amp_multicast _backward_arccos
    _backward_arccosh _backward_arcsin _backward_arcsinh _backward_arctan _backward_arctanh
    _backward_backward_FullyConnected _backward_broadcast_add _backward_broadcast_div
    _backward_broadcast_exponential _backward_broadcast_gumbel _backward_broadcast_hypot
    _backward_broadcast_logistic _backward_broadcast_maximum _backward_broadcast_minimum
    _backward_broadcast_mod _backward_broadcast_mul _backward_broadcast_normal
    _backward_broadcast_pareto _backward_broadcast_power _backward_broadcast_rayleigh
    _backward_broadcast_sub _backward_broadcast_weibull _backward_cast _backward_cbrt
    _backward_clip _backward_col2im _backward_cond _backward_contrib_AdaptiveAvgPooling2D
    _backward_contrib_BatchNormWithReLU _backward_contrib_BilinearResize2D
    _backward_contrib_bipartite_matching _backward_contrib_boolean_mask
    _backward_contrib_box_iou _backward_contrib_box_nms _backward_copy _backward_cos
    _backward_cosh _backward_ctc_loss _backward_degrees _backward_diag _backward_div
    _backward_div_scalar _backward_dot _backward_erf _backward_erfinv _backward_expm1
    _backward_foreach _backward_gamma _backward_gammaln _backward_gather_nd
    _backward_hard_sigmoid _backward_hypot _backward_hypot_scalar _backward_im2col
    _backward_image_crop _backward_image_normalize _backward_interleaved_matmul_encdec_qk
    _backward_interleaved_matmul_encdec_valatt _backward_interleaved_matmul_selfatt_qk
    _backward_interleaved_matmul_selfatt_valatt _backward_linalg_det
    _backward_linalg_extractdiag _backward_linalg_extracttrian _backward_linalg_gelqf
    _backward_linalg_gemm _backward_linalg_gemm2 _backward_linalg_inverse
    _backward_linalg_makediag _backward_linalg_maketrian _backward_linalg_potrf
    _backward_linalg_potri _backward_linalg_slogdet _backward_linalg_sumlogdiag
    _backward_linalg_syevd _backward_linalg_syrk _backward_linalg_trmm _backward_linalg_trsm
    _backward_linear_reg_out _backward_log _backward_log10 _backward_log1p _backward_log2
    _backward_log_softmax _backward_logistic_reg_out _backward_mae_reg_out _backward_max
    _backward_maximum _backward_maximum_scalar _backward_mean _backward_min
    _backward_minimum _backward_minimum_scalar _backward_mod _backward_mod_scalar
    _backward_moments _backward_mul _backward_mul_scalar _backward_nanprod _backward_nansum
    _backward_norm _backward_np_average _backward_np_broadcast_to _backward_np_column_stack
    _backward_np_concat _backward_np_cumsum _backward_np_diag _backward_np_diagflat
    _backward_np_diagonal _backward_np_dot _backward_np_dstack _backward_np_hstack
    _backward_np_matmul _backward_np_max _backward_np_mean _backward_np_min
    _backward_np_prod _backward_np_sum _backward_np_trace _backward_np_vstack
    _backward_np_where _backward_np_where_lscalar _backward_np_where_rscalar
    _backward_npi_arctan2 _backward_npi_arctan2_scalar _backward_npi_broadcast_add
    _backward_npi_broadcast_div _backward_npi_broadcast_mod _backward_npi_broadcast_mul
    _backward_npi_broadcast_power _backward_npi_broadcast_sub _backward_npi_copysign
    _backward_npi_copysign_scalar _backward_npi_diff _backward_npi_einsum _backward_npi_flip
    _backward_npi_hypot _backward_npi_ldexp _backward_npi_ldexp_scalar _backward_npi_norm
    _backward_npi_pad _backward_npi_rarctan2_scalar _backward_npi_rcopysign_scalar
    _backward_npi_rldexp_scalar _backward_npi_solve _backward_npi_svd
    _backward_npi_tensordot _backward_npi_tensordot_int_axes _backward_npi_tensorinv
    _backward_npi_tensorsolve _backward_pdf_dirichlet _backward_pdf_exponential
    _backward_pdf_gamma _backward_pdf_generalized_negative_binomial
    _backward_pdf_negative_binomial _backward_pdf_normal _backward_pdf_poisson
    _backward_pdf_uniform _backward_pick _backward_power _backward_power_scalar
    _backward_prod _backward_radians _backward_rcbrt _backward_rdiv_scalar
    _backward_reciprocal _backward_relu _backward_repeat _backward_reshape _backward_reverse
    _backward_rmod_scalar _backward_rpower_scalar _backward_rsqrt
    _backward_sample_multinomial _backward_sigmoid _backward_sign _backward_sin
    _backward_sinh _backward_slice _backward_slice_axis _backward_slice_like
    _backward_smooth_l1 _backward_softmax _backward_softmax_cross_entropy _backward_softmin
    _backward_softsign _backward_sparse_retain _backward_sqrt _backward_square
    _backward_square_sum _backward_squeeze _backward_stack _backward_sub _backward_sum
    _backward_take _backward_tan _backward_tanh _backward_tile _backward_topk _backward_tril
    _backward_where _backward_while_loop _broadcast_backward _cond
    _contrib_AdaptiveAvgPooling2D _contrib_BatchNormWithReLU _contrib_BilinearResize2D
    _contrib_CTCLoss _contrib_DeformableConvolution _contrib_DeformablePSROIPooling
    _contrib_ModulatedDeformableConvolution _contrib_MultiBoxDetection
    _contrib_MultiBoxPrior _contrib_MultiBoxTarget _contrib_MultiProposal
    _contrib_PSROIPooling _contrib_Proposal _contrib_ROIAlign _contrib_RROIAlign
    _contrib_SparseEmbedding _contrib_SyncBatchNorm _contrib_allclose _contrib_arange_like
    _contrib_backward_gradientmultiplier _contrib_backward_hawkesll
    _contrib_backward_index_copy _contrib_backward_quadratic _contrib_bipartite_matching
    _contrib_boolean_mask _contrib_box_decode _contrib_box_encode _contrib_box_iou
    _contrib_box_nms _contrib_box_non_maximum_suppression _contrib_calibrate_entropy
    _contrib_count_sketch _contrib_ctc_loss _contrib_dequantize _contrib_dgl_adjacency
    _contrib_dgl_csr_neighbor_non_uniform_sample _contrib_dgl_csr_neighbor_uniform_sample
    _contrib_dgl_graph_compact _contrib_dgl_subgraph _contrib_div_sqrt_dim _contrib_edge_id
    _contrib_fft _contrib_getnnz _contrib_gradientmultiplier _contrib_group_adagrad_update
    _contrib_hawkesll _contrib_ifft _contrib_index_array _contrib_index_copy
    _contrib_interleaved_matmul_encdec_qk _contrib_interleaved_matmul_encdec_valatt
    _contrib_interleaved_matmul_selfatt_qk _contrib_interleaved_matmul_selfatt_valatt
    _contrib_quadratic _contrib_quantize _contrib_quantize_asym _contrib_quantize_v2
    _contrib_quantized_act _contrib_quantized_batch_norm _contrib_quantized_concat
    _contrib_quantized_conv _contrib_quantized_elemwise_add _contrib_quantized_elemwise_mul
    _contrib_quantized_embedding _contrib_quantized_flatten
    _contrib_quantized_fully_connected _contrib_quantized_pooling _contrib_quantized_rnn
    _contrib_requantize _contrib_round_ste _contrib_sign_ste _copy _copyto _crop_assign
    _crop_assign_scalar _cvcopyMakeBorder _cvimdecode _cvimread _cvimresize _div _div_scalar
    _equal _equal_scalar _eye _foreach _full _grad_add _greater _greater_equal
    _greater_equal_scalar _greater_scalar _histogram _hypot _hypot_scalar
    _identity_with_attr_like_rhs _image_adjust_lighting _image_crop _image_flip_left_right
    _image_flip_top_bottom _image_normalize _image_random_brightness
    _image_random_color_jitter _image_random_contrast _image_random_flip_left_right
    _image_random_flip_top_bottom _image_random_hue _image_random_lighting
    _image_random_saturation _image_resize _image_to_tensor _imdecode _lesser _lesser_equal
    _lesser_equal_scalar _lesser_scalar _linalg_det _linalg_extractdiag _linalg_extracttrian
    _linalg_gelqf _linalg_gemm _linalg_gemm2 _linalg_inverse _linalg_makediag
    _linalg_maketrian _linalg_potrf _linalg_potri _linalg_slogdet _linalg_sumlogdiag
    _linalg_syevd _linalg_syrk _linalg_trmm _linalg_trsm _linspace _logical_and
    _logical_and_scalar _logical_or _logical_or_scalar _logical_xor _logical_xor_scalar
    _maximum _maximum_scalar _minimum _minimum_scalar _minus _minus_scalar _mod _mod_scalar
    _mp_adamw_update _mul _mul_scalar _multi_adamw_update _multi_lamb_update
    _multi_mp_adamw_update _multi_mp_lamb_update _not_equal _not_equal_scalar _np_all
    _np_amax _np_amin _np_any _np_atleast_1d _np_atleast_2d _np_atleast_3d _np_copy
    _np_cumsum _np_diag _np_diagflat _np_diagonal _np_dot _np_max _np_min _np_moveaxis
    _np_prod _np_product _np_repeat _np_reshape _np_roll _np_sometrue _np_squeeze _np_sum
    _np_trace _np_transpose _npi_Custom _npi_abs _npi_absolute _npi_add _npi_add_scalar
    _npi_arange _npi_arccos _npi_arccosh _npi_arcsin _npi_arcsinh _npi_arctan _npi_arctan2
    _npi_arctan2_scalar _npi_arctanh _npi_argmax _npi_argmin _npi_argsort _npi_around
    _npi_average _npi_backward_ediff1d _npi_backward_nan_to_num _npi_backward_polyval
    _npi_bernoulli _npi_bincount _npi_bitwise_and _npi_bitwise_and_scalar _npi_bitwise_not
    _npi_bitwise_or _npi_bitwise_or_scalar _npi_bitwise_xor _npi_bitwise_xor_scalar
    _npi_blackman _npi_boolean_mask _npi_boolean_mask_assign_scalar
    _npi_boolean_mask_assign_tensor _npi_broadcast_to _npi_cast _npi_cbrt _npi_ceil
    _npi_choice _npi_cholesky _npi_clip _npi_column_stack _npi_concatenate _npi_copysign
    _npi_copysign_scalar _npi_copyto _npi_cos _npi_cosh _npi_cvimdecode _npi_cvimread
    _npi_cvimresize _npi_degrees _npi_delete _npi_det _npi_diag_indices_from _npi_diff
    _npi_dsplit _npi_dstack _npi_ediff1d _npi_eig _npi_eigh _npi_eigvals _npi_eigvalsh
    _npi_einsum _npi_equal _npi_equal_scalar _npi_exp _npi_expand_dims _npi_expm1
    _npi_exponential _npi_eye _npi_fix _npi_flip _npi_floor _npi_full _npi_full_like
    _npi_gamma _npi_gather_nd _npi_greater _npi_greater_equal _npi_greater_equal_scalar
    _npi_greater_scalar _npi_gumbel _npi_hamming _npi_hanning _npi_histogram _npi_hsplit
    _npi_hsplit_backward _npi_hstack _npi_hypot _npi_hypot_scalar _npi_identity _npi_indices
    _npi_insert_scalar _npi_insert_slice _npi_insert_tensor _npi_inv _npi_isfinite
    _npi_isinf _npi_isnan _npi_isneginf _npi_isposinf _npi_lcm _npi_lcm_scalar _npi_ldexp
    _npi_ldexp_scalar _npi_less _npi_less_equal _npi_less_equal_scalar _npi_less_scalar
    _npi_linspace _npi_log _npi_log10 _npi_log1p _npi_log2 _npi_logical_not _npi_logistic
    _npi_logspace _npi_matmul _npi_maximum _npi_maximum_scalar _npi_mean _npi_minimum
    _npi_minimum_scalar _npi_mod _npi_mod_scalar _npi_multinomial _npi_multiply
    _npi_multiply_scalar _npi_nan_to_num _npi_negative _npi_nonzero _npi_norm _npi_normal
    _npi_normal_n _npi_not_equal _npi_not_equal_scalar _npi_ones _npi_pad _npi_pareto
    _npi_percentile _npi_pinv _npi_pinv_scalar_rcond _npi_polyval _npi_power
    _npi_power_scalar _npi_powerd _npi_radians _npi_random_randint _npi_rarctan2_scalar
    _npi_rayleigh _npi_rcopysign_scalar _npi_reciprocal _npi_reshape _npi_rint
    _npi_rldexp_scalar _npi_rmod_scalar _npi_rnn_param_concat _npi_rot90 _npi_rpower_scalar
    _npi_rsubtract_scalar _npi_rtrue_divide_scalar _npi_scatter_set_nd _npi_share_memory
    _npi_shuffle _npi_sign _npi_sin _npi_sinh _npi_slice _npi_slice_assign
    _npi_slice_assign_scalar _npi_slogdet _npi_solve _npi_sort _npi_split _npi_sqrt
    _npi_square _npi_stack _npi_std _npi_subtract _npi_subtract_scalar _npi_svd
    _npi_swapaxes _npi_take _npi_tan _npi_tanh _npi_tensordot _npi_tensordot_int_axes
    _npi_tensorinv _npi_tensorsolve _npi_tile _npi_tril _npi_true_divide
    _npi_true_divide_scalar _npi_trunc _npi_uniform _npi_uniform_n _npi_unique _npi_var
    _npi_vstack _npi_weibull _npi_where _npi_where_lscalar _npi_where_rscalar
    _npi_where_scalar2 _npi_zeros _npx__image_adjust_lighting _npx__image_crop
    _npx__image_flip_left_right _npx__image_flip_top_bottom _npx__image_normalize
    _npx__image_random_brightness _npx__image_random_color_jitter
    _npx__image_random_contrast _npx__image_random_flip_left_right
    _npx__image_random_flip_top_bottom _npx__image_random_hue _npx__image_random_lighting
    _npx__image_random_saturation _npx__image_resize _npx__image_to_tensor _npx_activation
    _npx_arange_like _npx_batch_dot _npx_batch_flatten _npx_batch_norm _npx_cast
    _npx_constraint_check _npx_convolution _npx_deconvolution _npx_dropout _npx_embedding
    _npx_erf _npx_erfinv _npx_fully_connected _npx_gamma _npx_gammaln _npx_gather_nd
    _npx_layer_norm _npx_leaky_relu _npx_log_softmax _npx_multibox_detection
    _npx_multibox_prior _npx_multibox_target _npx_nonzero _npx_one_hot _npx_pick
    _npx_pooling _npx_relu _npx_reshape _npx_reshape_like _npx_rnn _npx_roi_pooling
    _npx_sequence_mask _npx_shape_array _npx_sigmoid _npx_slice _npx_smooth_l1 _npx_softmax
    _npx_topk _onehot_encode _ones _plus _plus_scalar _power _power_scalar
    _random_exponential _random_exponential_like _random_gamma _random_gamma_like
    _random_generalized_negative_binomial _random_generalized_negative_binomial_like
    _random_negative_binomial _random_negative_binomial_like _random_normal
    _random_normal_like _random_pdf_dirichlet _random_pdf_exponential _random_pdf_gamma
    _random_pdf_generalized_negative_binomial _random_pdf_negative_binomial
    _random_pdf_normal _random_pdf_poisson _random_pdf_uniform _random_poisson
    _random_poisson_like _random_randint _random_uniform _random_uniform_like
    _ravel_multi_index _rdiv_scalar _rminus_scalar _rmod_scalar _rnn_param_concat
    _rpower_scalar _sample_exponential _sample_gamma _sample_generalized_negative_binomial
    _sample_multinomial _sample_negative_binomial _sample_normal _sample_poisson
    _sample_uniform _sample_unique_zipfian _scatter_elemwise_div _scatter_minus_scalar
    _scatter_plus_scalar _scatter_set_nd _set_value _sg_mkldnn_conv
    _sg_mkldnn_fully_connected _sg_mkldnn_selfatt_qk _sg_mkldnn_selfatt_valatt _shuffle
    _slice_assign _slice_assign_scalar _sparse_ElementWiseSum _sparse_Embedding
    _sparse_FullyConnected _sparse_LinearRegressionOutput _sparse_LogisticRegressionOutput
    _sparse_MAERegressionOutput _sparse__contrib_round_ste _sparse__contrib_sign_ste
    _sparse_abs _sparse_adagrad_update _sparse_adam_update _sparse_add_n _sparse_arccos
    _sparse_arccosh _sparse_arcsin _sparse_arcsinh _sparse_arctan _sparse_arctanh
    _sparse_broadcast_add _sparse_broadcast_div _sparse_broadcast_minus
    _sparse_broadcast_mul _sparse_broadcast_plus _sparse_broadcast_sub _sparse_cast_storage
    _sparse_cbrt _sparse_ceil _sparse_clip _sparse_concat _sparse_cos _sparse_cosh
    _sparse_degrees _sparse_dot _sparse_elemwise_add _sparse_elemwise_div
    _sparse_elemwise_mul _sparse_elemwise_sub _sparse_exp _sparse_expm1 _sparse_fix
    _sparse_floor _sparse_ftrl_update _sparse_gamma _sparse_gammaln _sparse_log
    _sparse_log10 _sparse_log1p _sparse_log2 _sparse_make_loss _sparse_mean _sparse_negative
    _sparse_norm _sparse_radians _sparse_relu _sparse_retain _sparse_rint _sparse_round
    _sparse_rsqrt _sparse_sgd_mom_update _sparse_sgd_update _sparse_sigmoid _sparse_sign
    _sparse_sin _sparse_sinh _sparse_slice _sparse_sqrt _sparse_square _sparse_stop_gradient
    _sparse_sum _sparse_tan _sparse_tanh _sparse_trunc _sparse_where _sparse_zeros_like
    _split_v2 _split_v2_backward _square_sum _sub _unravel_index _while_loop _zeros
    _zeros_without_dtype abs adam_update add_n all_finite amp_cast amp_multicast arccos
    arccosh arcsin arcsinh arctan arctanh argmax argmax_channel argmin argsort batch_dot
    batch_take broadcast_add broadcast_axes broadcast_axis broadcast_div broadcast_equal
    broadcast_greater broadcast_greater_equal broadcast_hypot broadcast_lesser
    broadcast_lesser_equal broadcast_like broadcast_logical_and broadcast_logical_or
    broadcast_logical_xor broadcast_maximum broadcast_minimum broadcast_minus broadcast_mod
    broadcast_mul broadcast_not_equal broadcast_plus broadcast_power broadcast_sub
    broadcast_to cast cast_storage cbrt ceil choose_element_0index clip col2im concat cos
    cosh crop ctc_loss cumsum degrees depth_to_space diag dot elemwise_add elemwise_div
    elemwise_mul elemwise_sub erf erfinv exp expand_dims expm1 fill_element_0index fix
    flatten flip floor ftml_update ftrl_update gamma gammaln gather_nd hard_sigmoid identity
    im2col khatri_rao lamb_update_phase1 lamb_update_phase2 linalg_det linalg_extractdiag
    linalg_extracttrian linalg_gelqf linalg_gemm linalg_gemm2 linalg_inverse linalg_makediag
    linalg_maketrian linalg_potrf linalg_potri linalg_slogdet linalg_sumlogdiag linalg_syrk
    linalg_trmm linalg_trsm log log10 log1p log2 log_softmax logical_not make_loss max
    max_axis mean min min_axis moments mp_lamb_update_phase1 mp_lamb_update_phase2
    mp_nag_mom_update mp_sgd_mom_update mp_sgd_update multi_all_finite multi_lars
    multi_mp_sgd_mom_update multi_mp_sgd_update multi_sgd_mom_update multi_sgd_update
    multi_sum_sq nag_mom_update nanprod nansum negative norm normal one_hot ones_like pad
    pick preloaded_multi_mp_sgd_mom_update preloaded_multi_mp_sgd_update
    preloaded_multi_sgd_mom_update preloaded_multi_sgd_update prod radians
    random_exponential random_gamma random_generalized_negative_binomial
    random_negative_binomial random_normal random_pdf_dirichlet random_pdf_exponential
    random_pdf_gamma random_pdf_generalized_negative_binomial random_pdf_negative_binomial
    random_pdf_normal random_pdf_poisson random_pdf_uniform random_poisson random_randint
    random_uniform ravel_multi_index rcbrt reciprocal relu repeat reset_arrays reshape
    reshape_like reverse rint rmsprop_update rmspropalex_update round rsqrt
    sample_exponential sample_gamma sample_generalized_negative_binomial sample_multinomial
    sample_negative_binomial sample_normal sample_poisson sample_uniform scatter_nd
    sgd_mom_update sgd_update shape_array shuffle sigmoid sign signsgd_update signum_update
    sin sinh size_array slice slice_axis slice_like smooth_l1 softmax softmax_cross_entropy
    softmin softsign sort space_to_depth split sqrt square squeeze stack stop_gradient sum
    sum_axis swapaxes take tan tanh tile topk transpose trunc uniform unravel_index where
    zeros_like
""".split())
