"""Adan, transcribed from sail-sg/Adan (adan.py @ 2c65bea), single-tensor path
(_single_tensor_adan; foreach and fused paths left out). Arithmetic order is the authors'.
Note the reference's beta convention: betas = (0.98, 0.92, 0.99) are the EMA factors, i.e.
1 - the paper's beta1, beta2, beta3 (paper: 0.02, 0.08, 0.01)."""
import math

import torch


class Adan(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.98, 0.92, 0.99), eps=1e-8, weight_decay=0.0,
                 max_grad_norm=0.0, no_prox=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        max_grad_norm=max_grad_norm, no_prox=no_prox)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self):
        if self.defaults['max_grad_norm'] > 0:
            global_grad_norm = torch.zeros(1, dtype=torch.float64)
            max_grad_norm = torch.tensor(self.defaults['max_grad_norm'])
            for group in self.param_groups:
                for p in group['params']:
                    if p.grad is not None:
                        global_grad_norm.add_(p.grad.pow(2).sum())
            global_grad_norm = torch.sqrt(global_grad_norm)
            clip_global_grad_norm = torch.clamp(max_grad_norm / (global_grad_norm + group['eps']),
                                                max=1.0).item()
        else:
            clip_global_grad_norm = 1.0
        self.clip_global_grad_norm = clip_global_grad_norm

        for group in self.param_groups:
            beta1, beta2, beta3 = group['betas']
            if 'step' in group:
                group['step'] += 1
            else:
                group['step'] = 1
            bias_correction1 = 1.0 - beta1 ** group['step']
            bias_correction2 = 1.0 - beta2 ** group['step']
            bias_correction3 = 1.0 - beta3 ** group['step']
            bias_correction3_sqrt = math.sqrt(bias_correction3)
            lr = group['lr']
            weight_decay = group['weight_decay']
            eps = group['eps']
            for p in group['params']:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state['exp_avg'] = torch.zeros_like(p)
                    state['exp_avg_sq'] = torch.zeros_like(p)
                    state['exp_avg_diff'] = torch.zeros_like(p)
                if 'neg_pre_grad' not in state or group['step'] == 1:
                    state['neg_pre_grad'] = p.grad.clone().mul_(-clip_global_grad_norm)

                grad = p.grad
                exp_avg = state['exp_avg']
                exp_avg_sq = state['exp_avg_sq']
                exp_avg_diff = state['exp_avg_diff']
                neg_grad_or_diff = state['neg_pre_grad']

                grad.mul_(clip_global_grad_norm)
                neg_grad_or_diff.add_(grad)  # g_k - g_{k-1}
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)  # m_k
                exp_avg_diff.mul_(beta2).add_(neg_grad_or_diff, alpha=1 - beta2)  # v_k (diff)
                neg_grad_or_diff.mul_(beta2).add_(grad)  # g_k + beta2 (g_k - g_{k-1})
                exp_avg_sq.mul_(beta3).addcmul_(neg_grad_or_diff, neg_grad_or_diff, value=1 - beta3)  # n_k
                denom = ((exp_avg_sq).sqrt() / bias_correction3_sqrt).add_(eps)
                step_size_diff = lr * beta2 / bias_correction2
                step_size = lr / bias_correction1
                if group['no_prox']:
                    p.mul_(1 - lr * weight_decay)
                    p.addcdiv_(exp_avg, denom, value=-step_size)
                    p.addcdiv_(exp_avg_diff, denom, value=-step_size_diff)
                else:
                    p.addcdiv_(exp_avg, denom, value=-step_size)
                    p.addcdiv_(exp_avg_diff, denom, value=-step_size_diff)
                    p.div_(1 + lr * weight_decay)
                neg_grad_or_diff.zero_().add_(grad, alpha=-1.0)
