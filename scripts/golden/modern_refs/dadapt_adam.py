"""D-Adaptation Adam, transcribed from facebookresearch/dadaptation
(dadaptation/dadapt_adam.py @ c984980). Arithmetic order is the authors'. Left out: closure,
logging, FSDP all-reduce (single process)."""
import torch


class DAdaptAdam(torch.optim.Optimizer):
    def __init__(self, params, lr=1.0, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decouple=False, use_bias_correction=False, d0=1e-6, growth_rate=float('inf'),
                 layer_scale=1.0):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, d=d0, k=0,
                        layer_scale=layer_scale, numerator_weighted=0.0, growth_rate=growth_rate,
                        use_bias_correction=use_bias_correction, decouple=decouple)
        super().__init__(params, defaults)

    def step(self):
        sk_l1 = 0.0
        group = self.param_groups[0]
        use_bias_correction = group['use_bias_correction']
        numerator_weighted = group['numerator_weighted']
        beta1, beta2 = group['betas']
        k = group['k']
        d = group['d']
        lr = max(group['lr'] for group in self.param_groups)
        if use_bias_correction:
            bias_correction = ((1 - beta2 ** (k + 1)) ** 0.5) / (1 - beta1 ** (k + 1))
        else:
            bias_correction = 1
        dlr = d * lr * bias_correction
        growth_rate = group['growth_rate']
        decouple = group['decouple']
        sqrt_beta2 = beta2 ** (0.5)
        numerator_acum = 0.0

        for group in self.param_groups:
            decay = group['weight_decay']
            eps = group['eps']
            group_lr = group['lr']
            r = group['layer_scale']
            if group_lr not in [lr, 0.0]:
                raise RuntimeError("different lr values in groups are only supported for 0")
            for p in group['params']:
                if p.grad is None:
                    continue
                grad = p.grad.data
                if decay != 0 and not decouple:
                    grad.add_(p.data, alpha=decay)
                state = self.state[p]
                if 'step' not in state:
                    state['step'] = 0
                    state['s'] = torch.zeros_like(p.data).detach()
                    state['exp_avg'] = torch.zeros_like(p.data).detach()
                    state['exp_avg_sq'] = torch.zeros_like(p.data).detach()
                exp_avg, exp_avg_sq = state['exp_avg'], state['exp_avg_sq']
                s = state['s']
                if group_lr > 0.0:
                    denom = exp_avg_sq.sqrt().add_(eps)
                    numerator_acum += r * dlr * torch.dot(grad.flatten(), s.div(denom).flatten()).item()
                    exp_avg.mul_(beta1).add_(grad, alpha=r * dlr * (1 - beta1))
                    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                    s.mul_(sqrt_beta2).add_(grad, alpha=dlr * (1 - sqrt_beta2))
                    sk_l1 += r * s.abs().sum().item()

        d_hat = d
        self.last = dict(dlr=dlr, numerator_acum=numerator_acum, sk_l1=sk_l1)
        if sk_l1 == 0:
            return
        global_numerator_weighted = sqrt_beta2 * numerator_weighted + (1 - sqrt_beta2) * numerator_acum
        global_sk_l1 = sk_l1
        if lr > 0.0:
            d_hat = global_numerator_weighted / ((1 - sqrt_beta2) * global_sk_l1)
            d = max(d, min(d_hat, d * growth_rate))
        self.last['d_hat'] = d_hat

        for group in self.param_groups:
            group['numerator_weighted'] = global_numerator_weighted
            group['d'] = d
            decay = group['weight_decay']
            k = group['k']
            eps = group['eps']
            for p in group['params']:
                if p.grad is None:
                    continue
                state = self.state[p]
                exp_avg, exp_avg_sq = state['exp_avg'], state['exp_avg_sq']
                state['step'] += 1
                denom = exp_avg_sq.sqrt().add_(eps)
                if decay != 0 and decouple:
                    p.data.add_(p.data, alpha=-decay * dlr)
                p.data.addcdiv_(exp_avg, denom, value=-1)
            group['k'] = k + 1
